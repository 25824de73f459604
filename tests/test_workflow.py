"""The editorial rules in articles.workflow, whoever calls them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, Person, RevisionState, Status
from tests import factories
from tests.conftest import _user_in

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def in_state(state, author):
    """An article whose latest revision, written by `author`, is in `state`."""
    article = factories.draft_article(user=author)
    if state in {"in_review", "approved", "published", "changes_requested"}:
        workflow.transition(article, workflow.SUBMIT, user=author)
    if state == "changes_requested":
        workflow.transition(article, workflow.REQUEST_CHANGES, user=None, note="Fix it")
    if state in {"approved", "published"}:
        factories.approve(article)
    if state == "published":
        workflow.publish(article, user=None)
    return Article.objects.get(pk=article.pk)


def do(action, article, user):
    if action == "edit":
        return workflow.save_draft(article, user=user, title="T", summary="S", body="B")
    if action == "submit":
        return workflow.transition(article, workflow.SUBMIT, user=user)
    if action == "request_changes":
        return workflow.transition(
            article, workflow.REQUEST_CHANGES, user=user, note="More sources"
        )
    if action == "approve":
        return workflow.transition(article, workflow.APPROVE, user=user)
    if action == "medical_review":
        return workflow.attest_medical_review(article, article.latest_revision, user=user)
    if action == "publish":
        return workflow.publish(article, user=user)
    if action == "unpublish":
        return workflow.unpublish(article, user=user)
    if action == "archive":
        return workflow.archive(article, user=user)
    raise AssertionError(action)


STATE_FOR = {
    "edit": "draft",
    "submit": "draft",
    "request_changes": "in_review",
    "approve": "in_review",
    "medical_review": "in_review",
    "publish": "approved",
    "unpublish": "published",
    "archive": "published",
}
ALLOWED = {
    "writer": {"edit", "submit"},
    "medical_reviewer": {"request_changes", "approve", "medical_review"},
    "editor": {"edit", "submit", "request_changes", "approve", "publish", "unpublish", "archive"},
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(STATE_FOR))
def test_each_role_may_do_exactly_its_actions(role, action, request, other_writer):
    user = request.getfixturevalue(role)
    article = in_state(STATE_FOR[action], author=other_writer)
    events_before = article.events.count()
    if action in ALLOWED[role]:
        do(action, article, user)
        assert article.events.count() == events_before + 1
        event = article.events.first()
        assert event.actor == user and event.action in {action, "edit"}
    else:
        with pytest.raises(PermissionDenied):
            do(action, article, user)
        assert article.events.count() == events_before


@pytest.mark.parametrize(
    ("action", "wrong_state"),
    [
        ("submit", "in_review"),
        ("approve", "draft"),
        ("approve", "changes_requested"),
        ("request_changes", "approved"),
        ("publish", "draft"),
        ("publish", "in_review"),
        ("unpublish", "draft"),
        ("medical_review", "draft"),
    ],
)
def test_actions_out_of_order_are_refused_and_change_nothing(
    action, wrong_state, editor, medical_reviewer, other_writer
):
    article = in_state(wrong_state, author=other_writer)
    state_before = article.latest_revision.state
    actor = medical_reviewer if action == "medical_review" else editor
    with pytest.raises(ValidationError):
        do(action, article, actor)
    assert Article.objects.get(pk=article.pk).latest_revision.state == state_before


def test_transitions_record_who_when_from_to_which_revision_and_note(writer, medical_reviewer):
    article = in_state("in_review", author=writer)
    workflow.transition(
        article, workflow.REQUEST_CHANGES, user=medical_reviewer, note="Cite the trial."
    )
    event = article.events.first()
    assert (event.actor, event.action, event.from_state, event.to_state, event.note) == (
        medical_reviewer,
        "request_changes",
        "in_review",
        "changes_requested",
        "Cite the trial.",
    )
    assert event.revision == article.latest_revision
    assert abs(event.created_at - timezone.now()) < HOUR


def test_requesting_changes_needs_a_note(writer, medical_reviewer):
    article = in_state("in_review", author=writer)
    with pytest.raises(ValidationError, match="needs a note"):
        workflow.transition(article, workflow.REQUEST_CHANGES, user=medical_reviewer, note="  ")


def test_nobody_approves_a_revision_they_wrote_not_even_an_editor(editor, other_editor):
    article = in_state("in_review", author=editor)
    with pytest.raises(PermissionDenied, match="you wrote"):
        workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.transition(article, workflow.APPROVE, user=other_editor)
    assert Article.objects.get(pk=article.pk).latest_revision.state == RevisionState.APPROVED


def test_nobody_medically_reviews_their_own_text(medical_reviewer):
    article = factories.draft_article(user=None)
    revision = workflow.save_draft(article, user=None, title="t", summary="s", body="b")
    revision.created_by = medical_reviewer
    revision.save()
    workflow.transition(article, workflow.SUBMIT, user=None)
    with pytest.raises(PermissionDenied):
        workflow.attest_medical_review(article, revision, user=medical_reviewer)


def _published_without_a_medical_review(author, editor, other_editor):
    """A guide article written by `author` (a medical reviewer who also writes),
    approved and published by colleagues without a medical review."""
    author.groups.add(Group.objects.get(name=workflow.WRITER))
    article = factories.draft_article(slug="her-words", user=author)
    workflow.transition(article, workflow.SUBMIT, user=author)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=other_editor)
    return Article.objects.get(pk=article.pk)


def _small_edit(article, user):
    live = article.live_revision
    workflow.save_draft(
        article, user=user, title=live.title, summary=live.summary, body=live.body + "\nA typo."
    )
    workflow.transition(article, workflow.SUBMIT, user=user)
    return Article.objects.get(pk=article.pk)


def test_nobody_medically_reviews_their_own_words_published_without_one(
    medical_reviewer, writer, editor, other_editor
):
    # Approved and published by colleagues, but no medical reviewer ever read her
    # words: a colleague's typo fix on top must not let her vouch for them.
    article = _published_without_a_medical_review(medical_reviewer, editor, other_editor)
    article = _small_edit(article, writer)
    refusal = workflow.check("medical_review", article, medical_reviewer)
    assert refusal is not None and "you wrote part of it" in refusal.reason
    with pytest.raises(PermissionDenied, match="you wrote part of it"):
        workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    # Approving is another matter: her words were approved by a colleague already.
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)


def test_she_may_vouch_for_a_colleagues_edit_of_her_medically_reviewed_words(
    medical_reviewer, writer, editor, other_editor
):
    colleague = _user_in("Medical reviewer", "reviewer2")
    Person.objects.create(slug="colleague", name="Col League", credentials="MD", user=colleague)
    article = _published_without_a_medical_review(medical_reviewer, editor, other_editor)
    workflow.attest_medical_review(article, article.live_revision, user=colleague)
    article = _small_edit(Article.objects.get(pk=article.pk), writer)
    assert workflow.check("medical_review", article, medical_reviewer) is None


def test_who_wrote_the_text_is_read_in_one_query_however_long_its_history(
    medical_reviewer, writer, editor, other_editor
):
    # The walk back to the last medically reviewed revision may cross many saves
    # (and publications): the review screen and the article page check it each time.
    def queries_to_check(saves):
        article = factories.published_article(slug=f"history-{saves}")
        for number in range(saves):
            live = Article.objects.get(pk=article.pk).latest_revision
            workflow.save_draft(
                article, user=writer, title=live.title, summary=live.summary, body=f"{number}."
            )
        workflow.transition(article, workflow.SUBMIT, user=writer)
        article = Article.objects.select_related("author", "latest_revision").get(pk=article.pk)
        article.latest_revision.article = article
        with CaptureQueriesContext(connection) as queries:
            assert workflow.check("medical_review", article, medical_reviewer) is None
        return len(queries)

    queries_to_check(2)  # the reviewer's permissions, loaded once
    assert queries_to_check(20) == queries_to_check(1) == 1


def test_a_writer_cannot_publish_even_an_approved_revision(writer, other_writer):
    article = in_state("approved", author=other_writer)
    with pytest.raises(PermissionDenied):
        workflow.publish(article, user=writer)
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_editing_a_live_article_leaves_the_live_revision_untouched_until_republished(
    client, writer, medical_reviewer, editor
):
    article = factories.published_article(slug="live", title="Old title")
    live = article.live_revision
    workflow.save_draft(article, user=writer, title="New title", summary="s", body="New words.")
    article.refresh_from_db()
    assert article.live_revision == live and article.has_unpublished_changes
    assert "Old title" in client.get("/guide/live/").content.decode()

    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    assert "Old title" in client.get("/guide/live/").content.decode()

    workflow.publish(article, user=editor, change_summary="Clearer wording.")
    page = client.get("/guide/live/").content.decode()
    assert "New title" in page and "Old title" not in page
    article.refresh_from_db()
    assert not article.has_unpublished_changes


def test_an_edit_after_approval_needs_a_new_review(writer, medical_reviewer, editor):
    article = in_state("in_review", author=writer)
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    workflow.save_draft(article, user=writer, title="t", summary="s", body="sneaky change")
    with pytest.raises(ValidationError, match="approved"):
        workflow.publish(article, user=editor)


def test_scheduled_publishing_needs_no_background_job(editor, other_writer, client):
    article = in_state("approved", author=other_writer)
    now = timezone.now()
    workflow.publish(article, user=editor, at=now + HOUR, until=now + 3 * HOUR)
    article.refresh_from_db()
    assert article.events.first().action == "schedule"
    assert client.get(article.get_absolute_url()).status_code == 404
    published_at = Article.objects.published
    assert not published_at(now=now).filter(pk=article.pk).exists()
    assert published_at(now=now + 2 * HOUR).filter(pk=article.pk).exists()
    assert not published_at(now=now + 4 * HOUR).filter(pk=article.pk).exists()


def test_unpublished_and_archived_articles_can_be_published_again(editor):
    article = factories.published_article()
    workflow.unpublish(article, user=editor)
    assert Article.objects.get(pk=article.pk).status == Status.UNPUBLISHED
    workflow.publish(article, user=editor)
    assert Article.objects.published().filter(pk=article.pk).exists()
    workflow.archive(article, user=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_a_stale_save_is_refused_and_keeps_history(writer, other_writer):
    article = factories.draft_article(user=writer)
    opened = article.latest_revision
    workflow.save_draft(
        article, user=other_writer, title="t", summary="s", body="theirs", based_on=opened
    )
    with pytest.raises(workflow.EditConflict):
        workflow.save_draft(
            article, user=writer, title="t", summary="s", body="mine", based_on=opened
        )
    assert Article.objects.get(pk=article.pk).latest_revision.body == "theirs"


def test_restore_copies_an_old_revision_into_a_new_draft(writer):
    article = factories.draft_article(user=writer, body="first words")
    first = article.latest_revision
    workflow.save_draft(article, user=writer, title="t", summary="s", body="second words")
    restored = workflow.restore(article, first, user=writer)
    assert restored.number == 3 and restored.body == "first words"
    assert restored.state == RevisionState.DRAFT
    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]


def test_publishing_an_approved_revision_sets_the_review_clock(writer, medical_reviewer, editor):
    article = in_state("in_review", author=writer)
    article.review_interval_months = 6
    article.save()
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    workflow.publish(article, user=editor)
    article.refresh_from_db()
    assert article.last_reviewed_at == article.live_revision.approved_at
    assert article.review_due_at.date() == workflow.months_after(article.last_reviewed_at, 6).date()


def test_months_after_handles_short_months():
    import datetime

    assert workflow.months_after(datetime.datetime(2026, 1, 31), 1) == datetime.datetime(
        2026, 2, 28
    )
    assert workflow.months_after(datetime.datetime(2026, 11, 15), 12) == datetime.datetime(
        2027, 11, 15
    )


def test_a_colleagues_small_edit_does_not_let_you_approve_your_own_draft(
    editor, writer, other_editor
):
    article = factories.draft_article(user=editor, body="The editor's own claims.")
    workflow.save_draft(
        article, user=writer, title="t", summary="s", body="The editor's own claims!"
    )
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with pytest.raises(PermissionDenied, match="you wrote"):
        workflow.transition(article, workflow.APPROVE, user=editor)
    assert "approve" not in workflow.available_actions(Article.objects.get(pk=article.pk), editor)
    workflow.transition(article, workflow.APPROVE, user=other_editor)


def test_an_approval_names_its_reviewer_so_an_unnamed_account_cannot_approve(
    writer, editor, client
):
    article = in_state("in_review", author=writer)
    type(editor).objects.filter(pk=editor.pk).update(first_name="", last_name="")
    unnamed = type(editor).objects.get(pk=editor.pk)
    with pytest.raises(PermissionDenied, match="add your full name"):
        workflow.transition(article, workflow.APPROVE, user=unnamed)
    type(editor).objects.filter(pk=editor.pk).update(first_name="Eda", last_name="Itor")
    named = type(editor).objects.get(pk=editor.pk)
    workflow.transition(article, workflow.APPROVE, user=named)
    workflow.publish(article, user=named)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Reviewed by Eda Itor on" in html
    revision = Article.objects.get(pk=article.pk).live_revision
    assert revision.approved_by == named and revision.created_by == writer


def test_approving_a_draft_that_is_not_published_leaves_the_live_pages_review_dates(
    writer, medical_reviewer, editor
):
    article = factories.published_article(slug="overdue")
    overdue = timezone.now() - timezone.timedelta(days=40)
    Article.objects.filter(pk=article.pk).update(
        review_due_at=overdue, last_reviewed_at=overdue - timezone.timedelta(days=365)
    )
    article = Article.objects.get(pk=article.pk)
    latest = article.latest_revision
    workflow.save_draft(
        article, user=writer, title=latest.title, summary=latest.summary, body="A tweak.\n"
    )
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    assert "Review overdue" in Client().get("/guide/overdue/").content.decode()
    assert Article.objects.get(pk=article.pk).review_due_at == overdue

    workflow.publish(article, user=editor, at=timezone.now() + timezone.timedelta(hours=1))
    assert Article.objects.get(pk=article.pk).review_due_at == overdue  # still the old text
    workflow.publish_due(now=timezone.now() + timezone.timedelta(hours=2))
    assert Article.objects.get(pk=article.pk).review_due_at > timezone.now()
