"""Nobody approves text they wrote any part of, nor an article under their own byline."""

import pytest
from django.core.exceptions import PermissionDenied

from articles import workflow
from articles.models import Article, Person
from tests import factories

pytestmark = pytest.mark.django_db


def _edit(article, user, body):
    article = Article.objects.get(pk=article.pk)
    latest = article.latest_revision
    return workflow.save_draft(
        article, user=user, title=latest.title, summary=latest.summary, body=body
    )


def test_editor_cannot_approve_their_own_words_brought_back_by_a_colleagues_restore(
    writer, editor, other_editor
):
    article = factories.published_article(slug="restored-words")
    own_words = _edit(article, editor, "Editor's own claim, never reviewed.\n")
    workflow.restore(article, Article.objects.get(pk=article.pk).live_revision, user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=other_editor)
    workflow.publish(article, user=other_editor)

    workflow.restore(article, own_words, user=writer)  # the editor's words, restored by the writer
    workflow.transition(article, workflow.SUBMIT, user=writer)
    article = Article.objects.get(pk=article.pk)
    assert "approve" not in workflow.available_actions(article, editor)
    with pytest.raises(PermissionDenied, match="you wrote"):
        workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.transition(article, workflow.APPROVE, user=other_editor)  # a second pair of eyes may


def test_restoring_reviewed_text_keeps_its_writer_from_approving_it(writer, editor, other_editor):
    article = factories.draft_article(slug="restored-reviewed", user=editor)
    workflow.transition(article, workflow.SUBMIT, user=editor)
    workflow.transition(article, workflow.APPROVE, user=other_editor)
    workflow.publish(article, user=other_editor)
    first = Article.objects.get(pk=article.pk).live_revision
    _edit(article, writer, "Writer's rewrite.\n")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=other_editor)
    workflow.publish(article, user=other_editor)
    workflow.restore(article, first, user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with pytest.raises(PermissionDenied):
        workflow.transition(article, workflow.APPROVE, user=editor)


def test_editor_cannot_approve_an_article_under_their_own_byline(writer, editor):
    byline = Person.objects.create(slug="editor-tester", name="Editor Tester", user=editor)
    article = factories.draft_article(slug="own-byline", user=writer)
    Article.objects.filter(pk=article.pk).update(author=byline)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    article = Article.objects.get(pk=article.pk)
    assert "approve" not in workflow.available_actions(article, editor)
    with pytest.raises(PermissionDenied):
        workflow.transition(article, workflow.APPROVE, user=editor)


def _approved_by(reviewer, writer, slug):
    article = factories.draft_article(slug=slug, user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=reviewer)
    return Article.objects.get(pk=article.pk)


def test_the_byline_cannot_be_moved_to_the_reviewer_after_approval(writer, editor, other_editor):
    reviewer_byline = Person.objects.create(slug="rev", name="Rita Reviewer", user=other_editor)
    article = _approved_by(other_editor, writer, "moved-byline")
    with pytest.raises(workflow.WorkflowError, match="Rita Reviewer reviewed revision 1"):
        workflow.change_placement(article, {"author": reviewer_byline}, user=editor)
    assert Article.objects.get(pk=article.pk).author != reviewer_byline


def test_a_byline_linked_to_the_reviewer_after_approval_stops_the_publish(
    writer, editor, other_editor, client
):
    article = _approved_by(other_editor, writer, "linked-byline")
    # The byline's profile is linked to the reviewer's account afterwards (People screen).
    Person.objects.filter(pk=article.author_id).update(user=other_editor)
    article = Article.objects.get(pk=article.pk)
    refusal = workflow.check("publish", article, editor)
    assert refusal is not None and "reviewed by its own writer" in refusal.reason
    with pytest.raises(workflow.WorkflowError):
        workflow.publish(article, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_byline_that_reviewed_nothing_here_may_be_set(writer, editor, other_editor):
    somebody = Person.objects.create(slug="other", name="Olive Other", user=editor)
    article = _approved_by(other_editor, writer, "fine-byline")
    workflow.change_placement(article, {"author": somebody}, user=editor)
    workflow.publish(Article.objects.get(pk=article.pk), user=editor)
    assert Article.objects.get(pk=article.pk).live_revision is not None


def test_the_admin_refuses_the_reviewer_as_byline_on_the_field_and_keeps_the_form(
    client, writer, editor, other_editor
):
    from tests.test_admin_workflow import change_url, form_data

    reviewer_byline = Person.objects.create(slug="rev", name="Rita Reviewer", user=other_editor)
    article = _approved_by(other_editor, writer, "admin-byline")
    client.force_login(editor)
    data = {**form_data(article), "author": reviewer_byline.pk, "_continue": "1"}
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Rita Reviewer reviewed revision 1" in " ".join(errors["author"])
    assert Article.objects.get(pk=article.pk).author_id != reviewer_byline.pk
