"""An import locks and checks like every other write: it never undoes what an
editor did since the last import, and on a live article it changes what
readers see beside the text (topic, byline, position) only with --publish."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections
from django.test import Client

from articles import workflow
from articles.content_import import import_content
from articles.models import Article, Topic
from articles.roles import sync_groups
from tests.test_import import ARTICLE, content, run_import, write  # noqa: F401 (fixture)
from tests.test_stale_writes import change_url, logged_in, open_form


def _move_to_new_topic(editor):
    article = Article.objects.get(slug="one")
    elsewhere = Topic.objects.create(slug="elsewhere", title="Elsewhere", order=9)
    client = logged_in(editor)
    form = open_form(client, article)
    form["topic"], form["order"] = elsewhere.pk, 42
    assert client.post(change_url(article), form).status_code == 302
    return elsewhere


def _fix_the_file(root, **replace):
    text = ARTICLE.format(title="One", slug="one", status="published", line="First text, fixed.")
    for old, new in replace.items():
        text = text.replace(old, new)
    write(root, "articles/one.md", text)


@pytest.mark.django_db
def test_reimport_is_refused_after_an_editor_moved_the_live_article(
    content,  # noqa: F811 (the fixture imported above)
    editor,
):
    run_import(content)
    elsewhere = _move_to_new_topic(editor)
    _fix_the_file(content)
    out = run_import(content)
    assert "edited in the admin since the last import" in out and "--force" in out
    article = Article.objects.get(slug="one")
    assert (article.topic, article.order) == (elsewhere, 42)
    assert "fixed" not in article.latest_revision.body


@pytest.mark.django_db
def test_forced_reimport_without_publish_keeps_the_editors_topic_and_position(
    content,  # noqa: F811 (the fixture imported above)
    editor,
):
    run_import(content)
    elsewhere = _move_to_new_topic(editor)
    _fix_the_file(content)
    run_import(content, "--force")
    article = Article.objects.get(slug="one")
    assert (article.topic, article.order) == (elsewhere, 42)
    assert "fixed" in article.latest_revision.body  # the text waits as a draft for review
    assert "fixed" not in article.live_revision.body


@pytest.mark.django_db
def test_import_without_publish_leaves_the_live_byline_alone(
    content,  # noqa: F811 (the fixture imported above)
):
    run_import(content)
    write(content, "people/someone.md", "---\nname: Dr Someone Else\nslug: someone\n---\nBio.\n")
    _fix_the_file(content, **{"author: editorial-team": "author: someone"})
    out = run_import(content)
    assert "kept" in out
    assert "Dr Someone Else" not in Client().get("/guide/one/").content.decode()

    run_import(content, "--publish")
    assert "Dr Someone Else" in Client().get("/guide/one/").content.decode()
    event = Article.objects.get(slug="one").events.filter(action="change_placement").get()
    assert event.note == "byline: MesoGuide editorial team → Dr Someone Else"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="an import racing a save needs row locks; SQLite locks the whole file (runs in CI's PostgreSQL pass)",
)
@pytest.mark.django_db(transaction=True)
def test_a_writers_save_during_an_import_is_never_buried(
    content,  # noqa: F811 (the fixture imported above)
    monkeypatch,
):
    sync_groups(Group, Permission)
    writer = get_user_model().objects.create_user(
        "w", password="x", is_staff=True, first_name="W", last_name="T"
    )
    writer.groups.add(Group.objects.get(name=workflow.WRITER))
    import_content([content], operator="op")
    article = Article.objects.get(slug="one")
    client = Client()
    client.force_login(writer)
    form = open_form(client, article)
    form["body"] = "WRITER'S CORRECTION\n"
    _fix_the_file(content)
    real = workflow.change_placement

    def slow(*args, **kwargs):
        time.sleep(0.8)  # the import holds the article while the writer saves
        return real(*args, **kwargs)

    monkeypatch.setattr(workflow, "change_placement", slow)
    results = {}

    def do_import():
        try:
            results["import"] = import_content([content], publish_live=True, operator="op")
        finally:
            connections.close_all()

    def do_save():
        try:
            time.sleep(0.3)
            results["save"] = client.post(change_url(article), form).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=do_import), threading.Thread(target=do_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    article.refresh_from_db()
    # The save waited for the import and was refused as stale (its form stays
    # open with the writer's text), or it came first and the import left it.
    if results.get("save") == 302:
        assert "WRITER'S" in article.latest_revision.body
    else:
        assert results.get("save") == 200
        assert "fixed" in article.live_revision.body
