"""Attacks on the editors' workspace (issue 12): what a hostile or careless colleague could do."""

import pytest
from django.core import mail
from django.urls import reverse

from articles import workflow
from tests import factories


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://guide.example"


@pytest.fixture
def team(writer, medical_reviewer, editor, other_editor):
    for user in [writer, medical_reviewer, editor, other_editor]:
        user.email = f"{user.username}@example.org"
        user.save()
    return writer, medical_reviewer, editor, other_editor


def test_a_title_with_a_line_break_does_not_stop_the_mails(
    team, client, django_capture_on_commit_callbacks
):
    writer, *_ = team
    article = factories.draft_article(title="Wound\r\ncare\nBcc: x@evil.example", user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        message.message()  # the headers can be written
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "x@evil.example" not in message.recipients()


def test_someone_who_left_the_team_is_not_sent_unpublished_notes(
    team, django_capture_on_commit_callbacks
):
    """A writer whose staff access was removed (or who lost their role) still wrote the
    text: they must not get the reviewer's note and quote of an unpublished draft."""
    writer, reviewer, editor, _ = team
    article = factories.draft_article(title="Wound care", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    writer.is_staff = False
    writer.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article, workflow.REQUEST_CHANGES, user=reviewer, note="The dose is wrong."
        )
    assert mail.outbox == []
    from notifications.models import Notification

    assert not Notification.objects.filter(recipient=writer).exists()


def test_someone_without_a_role_any_more_is_not_sent_unpublished_notes(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    article = factories.draft_article(title="Wound care", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    writer.groups.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article, workflow.REQUEST_CHANGES, user=reviewer, note="The dose is wrong."
        )
    assert mail.outbox == []


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "١"])
def test_compare_with_odd_revision_numbers_explains_instead_of_failing(client, editor, value):
    article = factories.draft_article(title="Wound care", user=editor)
    client.force_login(editor)
    for parameter in ["from", "to"]:
        response = client.get(
            reverse("admin:articles_article_diff", args=[article.pk]), {parameter: value}
        )
        assert response.status_code == 302


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_marking_an_odd_notification_id_read_is_a_not_found(client, editor, value):
    client.force_login(editor)
    response = client.post(reverse("for_you"), {"id": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_an_odd_article_id_is_a_not_found(client, editor, value):
    client.force_login(editor)
    for screen in ["change", "history"]:
        response = client.get(f"/admin/articles/article/{value}/{screen}/")
        assert response.status_code in (302, 404)
