"""Editors read plain words: no code names, account names with code words,
shell commands or module paths; one date-time format with the time zone."""

import re

from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests import factories

CODE_WORDS = re.compile(
    r"request_changes|in_review|changes_requested|publish_without_review|go_live|"
    r"change_placement|\(admin\)|\(import\)|\(restore\)|manage\.py|\.py\b"
)


def visible_text(html):
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)  # attribute values (names, ids) are not read
    return body


def test_in_admin_guide_has_no_shell_or_module_paths(client, writer):
    client.force_login(writer)
    html = client.get(reverse("editors_guide")).content.decode()
    text = visible_text(html)
    assert "Four eyes" in text and "My work" in text
    assert not CODE_WORDS.search(text), CODE_WORDS.search(text)
    assert "<code>" not in html and "shell" not in text and "cron" not in text


def test_history_and_panel_speak_plain_words(client, writer, medical_reviewer, editor):
    article = factories.draft_article(slug="plain", title="Plain", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.REQUEST_CHANGES, user=medical_reviewer, note="More.")
    client.force_login(editor)
    for url in (
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_reviewevent_changelist"),
    ):
        text = visible_text(client.get(url).content.decode())
        assert not CODE_WORDS.search(text), (url, CODE_WORDS.search(text))
        assert "Asked for changes" in text, url
        assert "Reviewer Tester" in text, url  # the person's name, not "reviewer"


def test_one_date_time_format_with_the_zone(client, editor):
    article = factories.published_article(slug="dated", title="Dated")
    workflow.save_draft(article, user=None, title="Dated", summary="S.", body="New words.")
    factories.approve(article)  # so the Publish form, with its time fields, is open
    client.force_login(editor)
    moment = timezone.localtime(Article.objects.get(pk=article.pk).last_published_at)
    expected = f"{moment:%-d %b %Y, %H:%M} UTC"
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert expected in history.content.decode()
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    text = visible_text(change.decode())
    assert expected in text
    assert "Publish at, in UTC time" in text
    # No other date-time shape: "1 Dec 2026 14:32" without the comma and zone.
    assert not re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", text)
    events = client.get(reverse("admin:articles_reviewevent_changelist")).content.decode()
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC", events)
