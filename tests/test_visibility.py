"""Readers see only published(): drafts, future, expired, unpublished and archived text 404 everywhere."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import workflow
from articles.models import Article, Kind
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def public_urls(article):
    return ["/", article.topic.get_absolute_url(), article.author.get_absolute_url()]


def test_only_published_articles_are_in_the_published_queryset():
    visible = factories.published_article(slug="visible")
    factories.hidden_articles()
    assert list(Article.objects.published()) == [visible]


def test_hidden_articles_404_and_never_appear_in_listings(client):
    visible = factories.published_article(slug="visible", title="Visible article")
    for article in factories.hidden_articles():
        assert client.get(f"/guide/{article.slug}/").status_code == 404
        for url in public_urls(article):
            assert "Secret" not in client.get(url).content.decode()
    assert "Visible article" in client.get("/").content.decode()
    assert client.get(visible.get_absolute_url()).status_code == 200


def test_scheduled_article_appears_when_its_time_comes(client):
    now = timezone.now()
    article = factories.approve_and_publish(factories.draft_article(slug="soon"), at=now + HOUR)
    assert client.get("/guide/soon/").status_code == 404
    assert Article.objects.published(now=now + 2 * HOUR).filter(pk=article.pk).exists()


def test_unpublished_site_page_404s_and_leaves_the_footer():
    page = factories.draft_article(slug="about", title="About us", kind=Kind.PAGE)
    from django.test import Client

    client = Client()
    assert client.get("/about/").status_code == 404
    factories.approve_and_publish(page, at=timezone.now() - HOUR)
    assert client.get("/about/").status_code == 200
    assert 'href="/about/"' in client.get("/").content.decode()


def test_unknown_slugs_get_the_styled_404(client):
    response = client.get("/guide/no-such-article/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_staff_with_edit_rights_preview_drafts_marked_noindex_and_uncached(client, editor):
    factories.draft_article(slug="secret-draft", title="Secret draft")
    client.force_login(editor)
    response = client.get("/guide/secret-draft/?preview")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" in body and "Preview" in body
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_shows_the_latest_draft_while_readers_keep_the_live_text(client, editor):
    article = factories.published_article(slug="live", title="Live title")
    workflow.save_draft(article, user=editor, title="Draft title", summary="s", body="New words.")
    assert "Draft title" not in client.get("/guide/live/").content.decode()
    client.force_login(editor)
    assert "Live title" in client.get("/guide/live/").content.decode()
    assert "Draft title" in client.get("/guide/live/?preview").content.decode()


def test_people_without_edit_rights_get_404_for_previews(client):
    factories.draft_article(slug="secret-draft")
    assert client.get("/guide/secret-draft/?preview").status_code == 404
    visitor = get_user_model().objects.create_user("visitor", password="pw")
    client.force_login(visitor)
    assert client.get("/guide/secret-draft/?preview").status_code == 404
    staff_without_rights = get_user_model().objects.create_user("s", password="pw", is_staff=True)
    client.force_login(staff_without_rights)
    assert client.get("/guide/secret-draft/?preview").status_code == 404
