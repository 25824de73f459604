"""Reviewing in place: the review screen shows the revision with its changes since
the last approved one marked; a note can quote a passage, which must be in the
revision, and the quote stays beside the note in the history and reaches the writer."""

import pytest
from django.core import mail
from django.urls import reverse

from articles import workflow
from articles.models import Article, ReviewEvent
from articles.review_notes import MAX_QUOTE_CHARS
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

BODY = """## What it is

Mesotherapy means many small injections into the skin.

- It is done in a clinic.
- It takes about an hour.
"""


def review_url(article):
    return reverse("admin:articles_article_review", args=[article.pk])


def act(client, article, action, **data):
    version = Article.objects.get(pk=article.pk).version
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    return client.post(url, {"version": version, "_screen": "review", **data}, follow=True)


@pytest.fixture
def submitted_edit(db, writer):
    """A live article the writer edited and submitted: one approved revision before."""
    article = factories.published_article(body=BODY)
    article.refresh_from_db()
    latest = article.latest_revision
    workflow.save_draft(
        article,
        user=writer,
        title=latest.title,
        summary=latest.summary,
        body=BODY.replace("many small injections", "a series of small injections"),
    )
    article.refresh_from_db()
    workflow.transition(article, workflow.SUBMIT, user=writer)
    mail.outbox.clear()
    return Article.objects.get(pk=article.pk)


def test_the_review_screen_marks_changes_since_the_last_approved_revision(
    client, medical_reviewer, submitted_edit
):
    client.force_login(medical_reviewer)
    page = client.get(review_url(submitted_edit)).content.decode()
    approved = submitted_edit.live_revision.number
    assert f"what changed since revision {approved}, the last approved" in page
    assert '<del><span class="visually-hidden">deleted: </span>many' in page
    assert '<ins><span class="visually-hidden">inserted: </span>a series of' in page
    assert "Title: unchanged" in page
    assert 'name="quote"' in page and "js/review-quote.js" in page


def test_a_first_draft_is_shown_whole(client, editor, writer):
    article = factories.draft_article(user=writer, body=BODY)
    client.force_login(editor)
    page = client.get(review_url(article)).content.decode()
    assert "all of this text is new to review" in page
    assert "many small injections" in page and "<del>" not in page


def test_a_quoted_note_is_kept_beside_the_note_and_reaches_the_writer(
    client, medical_reviewer, writer, submitted_edit, django_capture_on_commit_callbacks
):
    writer.email = "writer@example.org"
    writer.save()
    client.force_login(medical_reviewer)
    # Selected across the paragraph and the list: line breaks differ from the stored text.
    quote = "a series of small injections into the skin.\n\nIt is done in a clinic."
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client, submitted_edit, "request_changes", note="Say how many sessions.", quote=quote
        )
    assert response.redirect_chain[-1][0] == review_url(submitted_edit)
    event = ReviewEvent.objects.get(action="request_changes")
    assert event.quote == quote and event.note == "Say how many sessions."

    history = client.get(
        reverse("admin:articles_article_history", args=[submitted_edit.pk])
    ).content.decode()
    assert "“a series of small injections into the skin.<br><br>It is done in a clinic.”" in history
    assert history.index("a series of small") < history.index("Say how many sessions.")

    notice = Notification.objects.get(recipient=writer, kind="changes_requested")
    assert notice.quote == quote
    sent = [m for m in mail.outbox if writer.email in m.to]
    assert len(sent) == 1
    assert "About this passage:\n> a series of small injections into the skin." in sent[0].body
    assert "> It is done in a clinic." in sent[0].body
    assert "Say how many sessions." in sent[0].body


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("many small injections", "these words are not in revision"),  # deleted words
        ("Mesotherapy cures everything.", "these words are not in revision"),
        ("skin " * (MAX_QUOTE_CHARS // 5 + 1), "at most 1,000 characters"),
    ],
)
def test_a_quote_not_in_the_revision_is_refused_naming_the_field(
    client, medical_reviewer, submitted_edit, quote, words
):
    client.force_login(medical_reviewer)
    response = act(client, submitted_edit, "request_changes", note="My note.", quote=quote)
    page = response.content.decode()
    assert "Request changes: not done. Quoted passage: " in page and words in page
    assert Article.objects.get(pk=submitted_edit.pk).latest_revision.state == "in_review"
    assert not ReviewEvent.objects.filter(action="request_changes").exists()
    # What was typed comes back in the form.
    assert "My note.</textarea>" in page


def test_a_passage_copied_by_hand_with_the_screen_reader_labels_is_kept_without_them(
    client, medical_reviewer, submitted_edit
):
    client.force_login(medical_reviewer)
    copied = "means inserted: a series of (end of insertion) small injections"
    act(client, submitted_edit, "request_changes", note="Which series?", quote=copied)
    assert ReviewEvent.objects.get(action="request_changes").quote == (
        "means a series of small injections"
    )


def test_the_writer_sees_why_they_cannot_approve_on_the_review_screen(
    client, writer, submitted_edit
):
    client.force_login(writer)
    page = client.get(review_url(submitted_edit)).content.decode()
    assert "disabled" in page and 'class="why-not"' in page


def test_approving_with_a_quote_and_medical_review_keep_it(
    client, medical_reviewer, editor, submitted_edit
):
    client.force_login(medical_reviewer)
    act(client, submitted_edit, "medical_review", note="Checked.", quote="It takes about an hour.")
    assert ReviewEvent.objects.get(action="medical_review").quote == "It takes about an hour."
    client.force_login(editor)
    act(client, submitted_edit, "approve", quote="What it is")
    assert ReviewEvent.objects.filter(action="approve").first().quote == "What it is"


def test_the_article_page_links_to_the_review_screen(client, medical_reviewer, submitted_edit):
    client.force_login(medical_reviewer)
    page = client.get(
        reverse("admin:articles_article_change", args=[submitted_edit.pk])
    ).content.decode()
    number = submitted_edit.latest_revision.number
    assert f'href="{review_url(submitted_edit)}">Review revision {number} in place' in page
