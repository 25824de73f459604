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
