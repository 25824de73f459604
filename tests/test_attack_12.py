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
