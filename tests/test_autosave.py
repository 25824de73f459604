"""Autosave: an editor's unsaved text is kept for them alone, offered back when
they return, cleared when they save, and a restore is checked like any save."""

import re

import pytest
from django.urls import reverse

from articles.autosave import AutosavedText
from articles.models import Article, Revision
from articles.rendering import MAX_MARKDOWN_CHARS
from tests import factories
from tests.test_stale_writes import change_url, logged_in, open_form

pytestmark = pytest.mark.django_db


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def typed(article, **text):
    latest = article.latest_revision
    data = {
        "title": latest.title,
        "summary": latest.summary,
        "body": latest.body,
        "opened_version": article.version,
        "based_on": latest.pk,
    }
    return {**data, **text}


def test_typing_is_kept_and_offered_back_with_its_time(writer):
    article = factories.draft_article(user=writer)
    client = logged_in(writer)
    response = client.post(autosave_url(article), typed(article, body="My new paragraph."))
    assert response.status_code == 200
    assert response.json()["label"].startswith("Unsaved changes kept at ")
    revisions = article.revisions.count()

    page = client.get(change_url(article)).content.decode()
    kept = AutosavedText.objects.get(user=writer, article=article)
    assert f"Restore unsaved text from {kept.saved_label}?" in page
    assert re.search(r"\d\d:\d\d UTC", kept.saved_label)
    # Kept aside, never a revision: the form still holds the saved text.
    assert article.revisions.count() == revisions
    assert "My new paragraph." not in page

    restored = client.get(change_url(article) + "?restore-autosave").content.decode()
    assert "My new paragraph.</textarea>" in restored
    assert "is in the form below" in restored


def test_autosaved_text_of_one_editor_is_never_shown_to_another(writer, editor):
    article = factories.draft_article(user=writer)
    logged_in(writer).post(autosave_url(article), typed(article, body="Writer's secret draft."))
    other = logged_in(editor)
    page = other.get(change_url(article)).content.decode()
    assert "Restore unsaved text" not in page
    restored = other.get(change_url(article) + "?restore-autosave").content.decode()
    assert "Writer's secret draft." not in restored
    # Discarding as the editor leaves the writer's copy alone.
    discard = reverse("admin:articles_article_autosave_discard", args=[article.pk])
    other.post(discard)
    assert AutosavedText.objects.filter(user=writer).exists()


def test_saving_the_article_clears_the_autosave(writer):
    article = factories.draft_article(user=writer)
    client = logged_in(writer)
    client.post(autosave_url(article), typed(article, body="Kept while typing."))
    data = open_form(client, article)
    data["body"] = "Kept while typing."
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    assert not AutosavedText.objects.filter(user=writer).exists()
    assert Article.objects.get(pk=article.pk).latest_revision.body == "Kept while typing."
    assert "Restore unsaved text" not in client.get(change_url(article)).content.decode()


def test_discard_forgets_the_text(writer):
    article = factories.draft_article(user=writer)
    client = logged_in(writer)
    client.post(autosave_url(article), typed(article, body="Throw me away."))
    discard = reverse("admin:articles_article_autosave_discard", args=[article.pk])
    page = client.post(discard, follow=True).content.decode()
    assert "was discarded" in page
    assert "Restore unsaved text" not in page
    assert not AutosavedText.objects.exists()


def test_a_stale_restore_reaches_the_conflict_screen_not_the_colleagues_text(writer, editor):
    article = factories.draft_article(user=writer)
    mine = logged_in(writer)
    mine.post(autosave_url(article), typed(article, body="My unsaved version."))
    # A colleague saves a new revision while the writer is away.
    theirs = logged_in(editor)
    data = open_form(theirs, article)
    data["body"] = "The colleague's version."
    assert theirs.post(change_url(article), data).status_code == 302

    page = mine.get(change_url(article) + "?restore-autosave").content.decode()
    assert "The article changed after you wrote it" in page
    form = dict(re.findall(r'name="(opened_version|based_on)" value="(\d*)"', page))
    data = open_form(mine, article)
    data.update(form, body="My unsaved version.")
    refused = mine.post(change_url(article), data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Not saved: someone changed this article after you opened it" in text
    latest = Article.objects.get(pk=article.pk).latest_revision
    assert latest.body == "The colleague's version."
    assert not Revision.objects.filter(body="My unsaved version.").exists()
    # Nothing lost: the autosave is still there until a save succeeds.
    assert AutosavedText.objects.filter(user=writer, article=article).exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("body", "x" * (MAX_MARKDOWN_CHARS + 1), "Body: The text can be at most"),
        ("summary", "s" * 301, "Summary:"),
        ("body", "bad \x00 byte", "Body:"),
        ("opened_version", "abc", "Form:"),
        ("title", "Two\nlines", "Title: Must be one line"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_last_copy_kept(writer, field, value, words):
    article = factories.draft_article(user=writer)
    client = logged_in(writer)
    client.post(autosave_url(article), typed(article, body="Good copy."))
    response = client.post(autosave_url(article), typed(article, **{field: value}))
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"Not autosaved. {words}")
    assert field in response.json()["errors"]
    assert AutosavedText.objects.get(user=writer).body == "Good copy."


def test_the_largest_text_the_editor_accepts_is_kept(writer):
    article = factories.draft_article(user=writer)
    body = ("Word " * (MAX_MARKDOWN_CHARS // 5))[:MAX_MARKDOWN_CHARS]
    response = logged_in(writer).post(autosave_url(article), typed(article, body=body))
    assert response.status_code == 200
    assert len(AutosavedText.objects.get(user=writer).body) == MAX_MARKDOWN_CHARS


def test_only_people_who_may_edit_can_autosave(writer, editor, medical_reviewer):
    article = factories.draft_article(user=writer)
    assert (
        logged_in(medical_reviewer).post(autosave_url(article), typed(article)).status_code == 403
    )
    assert logged_in(writer).get(autosave_url(article)).status_code == 405
    anonymous = logged_in(writer)
    anonymous.logout()
    assert anonymous.post(autosave_url(article), typed(article)).status_code == 302  # to login
    assert not AutosavedText.objects.exists()


def test_a_new_article_is_autosaved_and_offered_on_the_add_form(writer):
    client = logged_in(writer)
    add = reverse("admin:articles_article_add")
    response = client.post(
        autosave_url(), {"title": "Bruising after treatment", "summary": "", "body": "Draft."}
    )
    assert response.status_code == 200
    page = client.get(add).content.decode()
    assert "Restore unsaved text from" in page
    restored = client.get(add + "?restore-autosave").content.decode()
    assert 'value="Bruising after treatment"' in restored
    assert "Draft.</textarea>" in restored
    # Another new article later replaces the copy rather than adding one.
    client.post(autosave_url(), {"title": "Second", "summary": "", "body": ""})
    assert AutosavedText.objects.filter(user=writer, article=None).count() == 1


def test_the_form_loads_the_autosave_script_and_says_where_to_send(writer):
    article = factories.draft_article(user=writer)
    page = logged_in(writer).get(change_url(article)).content.decode()
    assert "js/autosave.js" in page
    assert f'data-autosave-url="{autosave_url(article)}"' in page


def test_an_account_autosaving_without_pause_is_told_and_its_last_copy_kept(writer, editor):
    from articles.autosave import AUTOSAVE_RATE_LIMIT

    article = factories.draft_article(user=writer)
    client = logged_in(writer)
    for n in range(AUTOSAVE_RATE_LIMIT.limit):
        assert (
            client.post(autosave_url(article), typed(article, body=f"Copy {n}.")).status_code == 200
        )
    refused = client.post(autosave_url(article), typed(article, body="One too many."))
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Not autosaved" in refused.json()["error"]
    assert "still in this form" in refused.json()["error"]
    last = f"Copy {AUTOSAVE_RATE_LIMIT.limit - 1}."
    assert AutosavedText.objects.get(user=writer, article=article).body == last
    # Counted per account: a colleague autosaving the same article is not held back.
    other = logged_in(editor).post(autosave_url(article), typed(article, body="Editor's copy."))
    assert other.status_code == 200
