"""Notifications: the people who must act are told, in the admin and by mail,
after the action commits, never blocked by a failing mail server."""

import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from notifications.models import MailPreference, Notification
from tests import factories

SITE = "https://guide.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def team(writer, medical_reviewer, editor, other_editor):
    for user in [writer, medical_reviewer, editor, other_editor]:
        user.email = f"{user.username}@example.org"
        user.save()
    return writer, medical_reviewer, editor, other_editor


def written_by(writer):
    return factories.draft_article(slug="wound-care", title="Wound care", user=writer)


def to(address):
    return [m for m in mail.outbox if address in m.to]


def test_submitting_tells_reviewers_but_not_the_writer(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, other_editor = team
    article = written_by(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        ["reviewer@example.org", "editor@example.org", "editor2@example.org"]
    )
    message = to("reviewer@example.org")[0]
    assert "Wound care" in message.subject and "for review" in message.subject
    assert f"{SITE}/admin/articles/article/{article.pk}/change/" in message.body
    assert f"{SITE}{reverse('notification_settings')}" in message.body
    assert Notification.objects.filter(recipient=reviewer, article=article).count() == 1
    assert not Notification.objects.filter(recipient=writer).exists()


def test_nothing_is_sent_before_the_action_commits(team, django_capture_on_commit_callbacks):
    writer, *_ = team
    article = written_by(writer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.transition(article, workflow.SUBMIT, user=writer)
    assert mail.outbox == [] and not Notification.objects.exists()
    assert callbacks  # sent when (and only if) the transaction commits


def test_changes_requested_tells_the_writer_with_the_note(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    article = written_by(writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article,
            workflow.REQUEST_CHANGES,
            user=reviewer,
            note="Cite the 2021 trial for the healing time.",
        )
    assert [m.to for m in mail.outbox] == [["writer@example.org"]]
    body = mail.outbox[0].body
    assert "Reviewer Tester asked for changes" in body
    assert "Cite the 2021 trial for the healing time." in body
    notification = Notification.objects.get(recipient=writer)
    assert notification.note == "Cite the 2021 trial for the healing time."


def test_a_quoted_passage_is_shown_in_the_mail(team):
    """Review notes that quote a passage (the review screen) carry the quote into the mail."""
    from notifications.rules import Notice
    from notifications.sending import deliver

    writer, *_ = team
    notice = Notice(
        kind="changes_requested",
        recipient_ids=frozenset({writer.pk}),
        headline="Ann asked for changes",
        link="/admin/",
        note="Too strong.",
        quote="It always heals in a week.\nNo scars.",
    )
    deliver(notice, key="test:1")
    assert "> It always heals in a week.\n> No scars." in mail.outbox[0].body


def test_approval_tells_editors_and_publication_tells_the_writer(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, other_editor = team
    article = written_by(writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=reviewer)
    assert sorted(m.to[0] for m in mail.outbox) == ["editor2@example.org", "editor@example.org"]
    assert "ready to publish" in mail.outbox[0].subject
    # Medically reviewed too: nobody is told it goes out without (test_notifications_unreviewed).
    workflow.attest_medical_review(article, article.latest_revision, user=reviewer)
    mail.outbox.clear()
    later = timezone.now() + timezone.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=editor, at=later)
    assert [m.to for m in mail.outbox] == [["writer@example.org"]]
    assert "scheduled to go live" in mail.outbox[0].subject
    assert "UTC" in mail.outbox[0].subject


def test_switched_off_mails_stay_in_the_admin(team, client, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    client.force_login(reviewer)
    response = client.post(
        reverse("notification_settings"),
        {"changes_requested": "on", "approved": "on", "published": "on", "review_due": "on"},
    )
    assert response.status_code == 302
    assert not MailPreference.objects.get(user=reviewer).submitted
    article = written_by(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    assert not to("reviewer@example.org") and to("editor@example.org")
    assert Notification.objects.filter(recipient=reviewer).exists()


def test_a_failing_mail_server_blocks_nothing(
    team, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_mail.DownMailServer"
    writer, reviewer, *_ = team
    article = written_by(writer)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    article.refresh_from_db()
    assert article.latest_revision.state == "in_review"
    assert Notification.objects.filter(recipient=reviewer).exists()
    assert "Could not send" in caplog.text


def test_a_failing_mail_server_does_not_break_the_admin_action(
    team, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_mail.DownMailServer"
    writer, *_ = team
    article = written_by(writer)
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_workflow", args=[article.pk, "submit"]),
            {"version": article.version, "note": ""},
            follow=True,
        )
    assert response.status_code == 200
    assert "submitted for review" in response.content.decode()
    assert Article.objects.get(pk=article.pk).latest_revision.state == "in_review"


def test_for_you_lists_only_my_own_and_marks_read(team, client, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    article = written_by(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    mine = Notification.objects.get(recipient=reviewer)
    theirs = Notification.objects.get(recipient=editor)

    client.force_login(reviewer)
    page = client.get(reverse("for_you")).content.decode()
    assert "Wound care" in page and "1 unread" in page
    assert "For you (1 new)" in client.get(reverse("admin:index")).content.decode()
    # Someone else's notification can be neither read nor marked.
    assert client.post(reverse("for_you"), {"id": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("for_you"), {"id": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "Nothing unread" in client.get(reverse("for_you")).content.decode()

    client.force_login(writer)
    assert "Wound care" not in client.get(reverse("for_you")).content.decode()


def test_settings_change_only_my_own_preferences(team, client):
    writer, reviewer, *_ = team
    client.force_login(writer)
    client.post(reverse("notification_settings"), {"user": reviewer.pk})
    assert not MailPreference.objects.filter(user=reviewer).exists()
    assert MailPreference.objects.get(user=writer).submitted is False


def test_review_due_notifies_once_per_article_and_due_date(team):
    writer, reviewer, editor, other_editor = team
    article = factories.published_article(slug="due", title="Due for review")
    due = timezone.now() - timezone.timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(review_due_at=due)
    call_command("review_due", "--notify", stdout=StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "editor2@example.org",
        "editor@example.org",
        "reviewer@example.org",
    ]
    assert "overdue" in mail.outbox[0].subject
    call_command("review_due", "--notify", stdout=StringIO())
    assert len(mail.outbox) == 3  # a rerun tells nobody twice
    Article.objects.filter(pk=article.pk).update(review_due_at=due + timezone.timedelta(days=365))
    call_command("review_due", "--notify", "--within", "400", stdout=StringIO())
    assert len(mail.outbox) == 6  # a new due date is told again
    assert Notification.objects.filter(recipient=writer).count() == 0


def test_a_scheduled_revision_going_live_tells_its_writer(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    article = factories.published_article(slug="live", title="Live text")
    workflow.save_draft(article, user=writer, title="Live text", summary="S.", body="New words.")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=reviewer)
    article.refresh_from_db()
    workflow.attest_medical_review(article, article.latest_revision, user=reviewer)
    moment = timezone.now() + timezone.timedelta(hours=1)
    workflow.publish(article, user=editor, at=moment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.publish_due(now=moment + timezone.timedelta(minutes=1)) == 1
    assert [m.to for m in mail.outbox] == [["writer@example.org"]]
    assert "went live as scheduled" in mail.outbox[0].subject


def test_acting_on_an_article_marks_what_told_you_about_it_read(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    article = written_by(writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=reviewer)
    assert Notification.objects.get(recipient=reviewer).read_at is not None
    # Others who were told are untouched until they act themselves.
    assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 2


def test_a_site_page_does_not_ask_medical_reviewers(team, django_capture_on_commit_callbacks):
    from articles.models import Kind

    writer, *_ = team
    page = factories.draft_article(slug="privacy", title="Privacy", kind=Kind.PAGE, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(page, workflow.SUBMIT, user=writer)
    assert sorted(m.to[0] for m in mail.outbox) == ["editor2@example.org", "editor@example.org"]
