"""Topic, person, comment and related-article change forms opened before a
colleague's change refuse to save over it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from discovery.models import RelatedArticle
from discussion.models import Comment
from tests import factories
from tests.test_stale_writes import logged_in

pytestmark = pytest.mark.django_db


def opened_state(client, url):
    html = client.get(url).content.decode()
    return re.search(r'name="opened_state" value="([0-9a-f]+)"', html).group(1)


REFUSED = "Someone changed this after you opened it"


def test_a_stale_moderation_form_does_not_undo_a_colleagues_approval(editor, other_editor):
    article = factories.published_article(slug="talk")
    comment = Comment.objects.create(article=article, name="Reader", body="Nice article.")
    url = reverse("admin:discussion_comment_change", args=[comment.pk])
    mine = logged_in(editor)
    state = opened_state(mine, url)
    logged_in(other_editor).post(
        reverse("admin:discussion_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    response = mine.post(url, {"status": "pending", "opened_state": state, "_save": "Save"})
    assert REFUSED in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert "Nice article." in Client().get("/guide/talk/").content.decode()


def test_a_stale_topic_form_does_not_undo_a_colleagues_rename(editor, other_editor):
    topic = factories.published_article(slug="t1").topic
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    mine, theirs = logged_in(editor), logged_in(other_editor)
    state = opened_state(mine, url)
    fields = {"slug": topic.slug, "description": "", "order": topic.order}
    theirs.post(url, {**fields, "title": "Safety first", "opened_state": opened_state(theirs, url)})
    topic.refresh_from_db()
    assert topic.title == "Safety first"
    response = mine.post(
        url, {**fields, "title": "How it works", "description": "New.", "opened_state": state}
    )
    assert REFUSED in response.content.decode()
    topic.refresh_from_db()
    assert (topic.title, topic.description) == ("Safety first", "")


def test_a_stale_related_article_form_does_not_undo_a_colleagues_choice(editor, other_editor):
    article = factories.published_article(slug="r-main")
    x = factories.published_article(slug="r-x", title="X article")
    y = factories.published_article(slug="r-y", title="Y article")
    link = RelatedArticle.objects.create(article=article, related=x, order=0)
    url = reverse("admin:discovery_relatedarticle_change", args=[link.pk])
    mine, theirs = logged_in(editor), logged_in(other_editor)
    state = opened_state(mine, url)
    theirs.post(
        url,
        {
            "article": article.pk,
            "related": y.pk,
            "order": 0,
            "opened_state": opened_state(theirs, url),
        },
    )
    link.refresh_from_db()
    assert link.related == y
    response = mine.post(
        url, {"article": article.pk, "related": x.pk, "order": 5, "opened_state": state}
    )
    assert REFUSED in response.content.decode()
    link.refresh_from_db()
    assert (link.related, link.order) == (y, 0)


def test_a_fresh_form_still_saves(editor):
    topic = factories.published_article(slug="t2").topic
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    mine = logged_in(editor)
    data = {"slug": topic.slug, "title": "Renamed", "description": "", "order": topic.order}
    response = mine.post(url, {**data, "opened_state": opened_state(mine, url)})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Renamed"
