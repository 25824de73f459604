"""Stale forms through the real admin: one person opens the form, a colleague
acts, the first person posts what they opened. Nothing a colleague did may be
undone silently; the refused person sees both versions and chooses."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.content_import import import_content
from articles.models import Article, ReviewEvent, StaleArticle, Status
from tests import factories

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def open_form(client, article):
    """GET the change form and return what its fields hold, as a browser would post them."""
    html = client.get(change_url(article)).content.decode()
    version = re.search(r'name="opened_version" value="(\d+)"', html).group(1)
    article = Article.objects.get(pk=article.pk)
    latest = article.latest_revision
    data = {
        "title": latest.title,
        "summary": latest.summary,
        "body": latest.body,
        "based_on": latest.pk,
        "opened_version": version,
        "_continue": "1",
        # The inline of related articles, as the admin renders it (empty).
        "chosen_related-TOTAL_FORMS": "0",
        "chosen_related-INITIAL_FORMS": "0",
    }
    for name in ("kind", "slug", "topic", "author", "order", "review_interval_months"):
        if f'name="{name}"' in html:
            value = getattr(article, f"{name}_id", None) if name in ("topic", "author") else None
            data[name] = value if value is not None else getattr(article, name)
    return data


def act(client, article, action, data=None):
    version = Article.objects.get(pk=article.pk).version
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    return client.post(url, {"version": version, **(data or {})}, follow=True)


@pytest.fixture
def live_article(db):
    return factories.published_article(slug="live-one", title="Live one")


def test_a_writers_stale_save_never_undoes_an_editors_unpublish(live_article, writer, editor):
    writers_form = open_form(logged_in(writer), live_article)
    writers_form["body"] = "A writer's new paragraph."
    act(logged_in(editor), live_article, "unpublish", {"note": "Safety question."})

    response = logged_in(writer).post(change_url(live_article), writers_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved: someone changed this article after you opened it" in html
    assert "Unpublished by Editor Tester" in html  # what happened, in plain words
    assert "Please correct the error" not in html
    article = Article.objects.get(pk=live_article.pk)
    assert article.status == Status.UNPUBLISHED
    assert article.latest_revision.body != "A writer's new paragraph."
    assert Client().get("/guide/live-one/").status_code == 404


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_an_editors_stale_save_never_undoes_a_colleagues_workflow_action(
    editor, other_editor, action
):
    article = factories.published_article(slug="taken-down")
    if action == "publish":
        workflow.unpublish(article, user=editor)
    form = open_form(logged_in(editor), article)
    form["order"] = 7
    act(logged_in(other_editor), article, action)
    logged_in(editor).post(change_url(article), form)
    article.refresh_from_db()
    assert article.status == {"publish": Status.PUBLISHED, "archive": Status.ARCHIVED}[action]
    assert article.order == 0


def test_a_colleagues_topic_change_is_not_reverted_by_an_order_change(editor, other_editor):
    article = factories.published_article(slug="moving")
    new_topic = factories.topic(slug="new-home", title="New home")
    as_a, as_b = logged_in(editor), logged_in(other_editor)
    form_a, form_b = open_form(as_a, article), open_form(as_b, article)

    form_a["topic"] = new_topic.pk
    assert as_a.post(change_url(article), form_a).status_code == 302
    form_b["order"] = 3
    html = as_b.post(change_url(article), form_b).content.decode()

    article.refresh_from_db()
    assert article.topic == new_topic and article.order == 0
    assert "Fields that differ" in html and "New home" in html
    # A plain second Save of the refused form is refused again.
    form_b["replace_version"] = Article.objects.get(pk=article.pk).version
    as_b.post(change_url(article), form_b)
    article.refresh_from_db()
    assert article.topic == new_topic and article.order == 0


def test_replacing_needs_the_explicit_tick_and_is_in_the_audit_log(writer, other_writer):
    article = factories.draft_article(slug="contested", user=writer, body="Original.")
    mine = open_form(logged_in(writer), article)
    theirs = open_form(logged_in(other_writer), article)
    theirs["body"] = "Their fix."
    logged_in(other_writer).post(change_url(article), theirs)

    mine["body"] = "My rewrite."
    as_me = logged_in(writer)
    refused = as_me.post(change_url(article), mine).content.decode()
    assert "Replace my colleague's changes" in refused
    current_version = re.search(r'name="replace_version" value="(\d+)"', refused).group(1)

    untick = {**mine, "replace_version": current_version, "_conflict": "replace"}
    html = as_me.post(change_url(article), untick).content.decode()
    assert "tick “Replace my colleague's changes” first" in html
    assert Article.objects.get(pk=article.pk).latest_revision.body == "Their fix."

    ticked = {**untick, "replace_confirmed": "on"}
    assert as_me.post(change_url(article), ticked).status_code == 302
    article.refresh_from_db()
    assert article.latest_revision.body == "My rewrite."
    event = ReviewEvent.objects.filter(article=article).first()
    assert event.action == "replace_colleague_changes" and event.actor == writer
    assert "saved a draft by Writer2 Tester" in event.note and "body" in event.note


def test_reloading_shows_the_colleagues_version_with_my_text_beside_it(writer, other_writer):
    article = factories.draft_article(slug="reload-me", user=writer, body="Original.")
    mine = open_form(logged_in(writer), article)
    theirs = open_form(logged_in(other_writer), article)
    theirs["body"] = "Their fix."
    logged_in(other_writer).post(change_url(article), theirs)

    mine["body"] = "My rewrite."
    as_me = logged_in(writer)
    as_me.post(change_url(article), mine)
    html = as_me.post(change_url(article), {**mine, "_conflict": "reload"}).content.decode()
    assert "Your text, not saved: kept here beside your colleague" in html
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*Their fix\.</textarea>', html)
    assert re.search(r'<textarea id="kept-body"[^>]*>My rewrite\.</textarea>', html)
    assert Article.objects.get(pk=article.pk).latest_revision.body == "Their fix."
    # The reloaded form is the current version: saving it now works.
    fresh = open_form(as_me, article)
    fresh["body"] = "Merged text."
    assert as_me.post(change_url(article), fresh).status_code == 302
    assert Article.objects.get(pk=article.pk).latest_revision.body == "Merged text."


def test_a_workflow_button_on_a_stale_page_is_refused(writer, other_writer, editor):
    article = factories.draft_article(slug="approve-what", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    as_editor = logged_in(editor)
    seen = Article.objects.get(pk=article.pk).version  # the editor's page is open
    form = open_form(logged_in(other_writer), article)
    form["body"] = "Text the editor has not read."
    logged_in(other_writer).post(change_url(article), form)

    url = reverse("admin:articles_article_workflow", args=[article.pk, "approve"])
    html = as_editor.post(url, {"version": seen}, follow=True).content.decode()
    assert "Approve: not done. Someone changed this article after you opened it" in html
    assert Article.objects.get(pk=article.pk).latest_revision.approved_by is None


def test_an_import_after_the_form_was_opened_refuses_the_stale_save(editor, tmp_path):
    article = factories.published_article(slug="imported")
    form = open_form(logged_in(editor), article)
    path = tmp_path / "articles" / "imported.md"
    path.parent.mkdir()
    path.write_text(
        f"---\ntitle: From the file\nslug: imported\nsummary: s\ntopic: {article.topic.slug}\n"
        "author: editorial-team\nstatus: published\norder: 5\n---\n## Text\n\nFile text.\n"
    )
    import_content([path], force=True, publish_live=True, operator="ops")
    form["review_interval_months"] = 3
    html = logged_in(editor).post(change_url(article), form).content.decode()
    assert "Not saved: someone changed this article after you opened it" in html
    article.refresh_from_db()
    assert article.order == 5 and article.review_interval_months == 12
    assert article.live_revision.title == "From the file"


def test_writers_cannot_change_what_readers_see_beside_a_live_text(live_article, writer):
    as_writer = logged_in(writer)
    html = as_writer.get(change_url(live_article)).content.decode()
    for field in ("order", "review_interval_months", "topic", "author"):
        assert f'name="{field}"' not in html, field
    form = open_form(as_writer, live_article)
    form.update(order=9, review_interval_months=1, topic=factories.topic().pk)
    as_writer.post(change_url(live_article), form)
    article = Article.objects.get(pk=live_article.pk)
    assert (article.order, article.review_interval_months) == (0, 12)
    with pytest.raises(Exception, match="only by an editor"):
        workflow.change_placement(article, {"order": 9}, user=writer)


def test_an_editors_change_of_a_live_articles_place_is_recorded(live_article, editor):
    form = open_form(logged_in(editor), live_article)
    form["order"] = 4
    logged_in(editor).post(change_url(live_article), form)
    event = ReviewEvent.objects.filter(article=live_article).first()
    assert event.action == "change_placement" and event.actor == editor
    assert "position" in event.note.lower() and "0 → 4" in event.note


def test_a_stale_object_cannot_be_saved_over_a_newer_row(live_article, editor):
    stale = Article.objects.get(pk=live_article.pk)
    workflow.unpublish(live_article, user=editor)
    stale.order = 3
    with pytest.raises(StaleArticle), transaction.atomic():
        stale.save()
    assert Article.objects.get(pk=live_article.pk).status == Status.UNPUBLISHED


def test_workflow_functions_refuse_a_stale_version(live_article, editor):
    seen = live_article.version
    workflow.change_placement(live_article, {"order": 2}, user=editor)
    with pytest.raises(ValidationError, match="after you opened it"):
        workflow.unpublish(live_article, user=editor, expected_version=seen)
    assert Article.objects.get(pk=live_article.pk).status == Status.PUBLISHED


def test_a_form_naming_another_articles_text_is_refused_with_a_message_not_an_error_page(
    editor,
):
    article = factories.published_article(slug="hand-edited-form")
    elsewhere = factories.draft_article(slug="elsewhere")
    client = logged_in(editor)
    client.raise_request_exception = False
    form = open_form(client, article)
    form["body"] += "\nA new line.\n"
    form["based_on"] = elsewhere.latest_revision.pk
    response = client.post(change_url(article), form)
    assert response.status_code == 200
    assert "does not match the article&#x27;s latest text" in response.content.decode()
    assert Article.objects.get(pk=article.pk).latest_revision.body == article.latest_revision.body
