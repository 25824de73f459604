"""Editors' picks, related articles and share links help readers find and pass on articles."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from discovery.models import EditorsPick, RelatedArticle
from pagecache import store as pagecache
from tests import factories

pytestmark = pytest.mark.django_db


def section(html, css_class):
    match = re.search(rf'<section class="{css_class}".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def test_home_shows_editors_picks_in_the_editors_order(client):
    first = factories.published_article(slug="first", title="Picked first")
    second = factories.published_article(slug="second", title="Picked second")
    EditorsPick.objects.create(article=second, order=2)
    EditorsPick.objects.create(article=first, order=1)
    picks = section(client.get("/").content.decode(), "picks")
    assert "Editors’ picks" in picks
    assert picks.index("Picked first") < picks.index("Picked second")


def test_article_sidebar_shows_the_other_picks(client):
    current = factories.published_article(slug="current", title="Current article")
    other = factories.published_article(slug="other", title="Other pick")
    EditorsPick.objects.create(article=current, order=1)
    EditorsPick.objects.create(article=other, order=2)
    picks = section(client.get(current.get_absolute_url()).content.decode(), "picks")
    assert "Other pick" in picks and "Current article" not in picks


def test_related_articles_are_editors_choices_first_then_same_topic(client):
    topic = factories.topic()
    article = factories.published_article(slug="main", title="Main", topic=topic)
    sibling = factories.published_article(slug="sibling", title="Same topic sibling", topic=topic)
    chosen = factories.published_article(slug="chosen", title="Chosen elsewhere")
    factories.published_article(slug="unrelated", title="Unrelated other topic")
    RelatedArticle.objects.create(article=article, related=chosen, order=1)
    related = section(client.get(article.get_absolute_url()).content.decode(), "related")
    assert related.index("Chosen elsewhere") < related.index("Same topic sibling")
    assert "Unrelated other topic" not in related and ">Main<" not in related
    assert sibling.get_absolute_url() in related


def test_editors_order_picks_in_the_admin(client, editor):
    article = factories.published_article(slug="pickable")
    client.force_login(editor)
    response = client.post(
        reverse("admin:discovery_editorspick_add"), {"article": article.pk, "order": 3}
    )
    assert response.status_code == 302
    assert EditorsPick.objects.get().order == 3


def test_share_links_are_plain_links_without_third_party_scripts(client, guide):
    html = client.get(guide.get_absolute_url()).content.decode()
    share = section(html, "share")
    url = f"http%3A%2F%2Ftestserver{guide.get_absolute_url().replace('/', '%2F')}"
    assert (
        f'href="mailto:?subject=What%20mesotherapy%20is&amp;body=What%20mesotherapy%20is%20{url}"'
        in share
    )
    for network in (
        "facebook.com/sharer",
        "x.com/intent",
        "linkedin.com/sharing",
        "wa.me",
        "bsky.app",
    ):
        assert network in share
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == [
        "/static/js/form-token.js",
        "/static/js/contents.js",
        "/static/js/copy-link.js",
    ]
    assert "<script>" not in html and " onclick" not in html and "style=" not in html


def test_copy_link_button_is_progressive_enhancement(client, guide):
    share = section(client.get(guide.get_absolute_url()).content.decode(), "share")
    assert re.search(
        r'<button type="button"[^>]*data-copy-url="http://testserver/guide/[^"]+/"[^>]*hidden>',
        share,
    )
    script = open(finders.find("js/copy-link.js")).read()
    assert "navigator.clipboard" in script and "button.hidden = false" in script


# The sidebar is one of the article page's kept parts (articles/article_page.py);
# these pages are built afresh each time, so what they show comes from that kept copy.
@pytest.fixture
def sidebar_only_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def sidebar(client, article):
    return section(client.get(article.get_absolute_url()).content.decode(), "related")


def test_sidebar_shows_a_newly_published_sibling_and_drops_an_unpublished_one(
    client, sidebar_only_cache
):
    topic = factories.topic()
    article = factories.published_article(slug="main", title="Main", topic=topic)
    assert "Newly published" not in sidebar(client, article)
    sibling = factories.published_article(slug="new", title="Newly published", topic=topic)
    assert "Newly published" in sidebar(client, article)
    workflow.unpublish(sibling, user=None)
    assert "Newly published" not in sidebar(client, article)


def test_sidebar_follows_the_editors_picks_and_related_choices(client, sidebar_only_cache):
    current = factories.published_article(slug="current", title="Current article")
    other = factories.published_article(slug="other", title="Other pick")
    assert "Other pick" not in section(
        client.get(current.get_absolute_url()).content.decode(), "picks"
    )
    pick = EditorsPick.objects.create(article=other, order=1)
    assert "Other pick" in section(client.get(current.get_absolute_url()).content.decode(), "picks")
    pick.delete()
    assert "Other pick" not in section(
        client.get(current.get_absolute_url()).content.decode(), "picks"
    )
    choice = RelatedArticle.objects.create(article=current, related=other, order=1)
    assert "Other pick" in sidebar(client, current)
    choice.delete()
    assert "Other pick" not in sidebar(client, current)


def test_sidebar_shows_a_scheduled_sibling_once_it_is_due(client, sidebar_only_cache, monkeypatch):
    topic = factories.topic()
    article = factories.published_article(slug="main", title="Main", topic=topic)
    factories.approve_and_publish(
        factories.draft_article(slug="soon", title="Scheduled sibling", topic=topic),
        at=timezone.now() + timezone.timedelta(hours=1),
    )
    assert "Scheduled sibling" not in sidebar(client, article)
    later = timezone.now() + timezone.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    assert "Scheduled sibling" in sidebar(client, article)


def test_the_related_articles_list_counts_by_article_with_a_large_guide(client, editor):
    # Its filter offers the articles that have related ones chosen, not every
    # article: with "Show counts", each choice is a column of one query, and a
    # guide of thousands of articles passed the database's limit (a 503 page).
    from articles.models import Article, Kind

    Article.objects.bulk_create(
        Article(kind=Kind.ARTICLE, slug=f"bulk-{n}", order=n) for n in range(2100)
    )
    first = factories.published_article(slug="first", title="First with related")
    second = factories.published_article(slug="second", title="Second with related")
    chosen = factories.published_article(slug="chosen", title="Chosen one")
    for article in (first, second):
        RelatedArticle.objects.create(article=article, related=chosen, order=1)
    client.force_login(editor)
    response = client.get(reverse("admin:discovery_relatedarticle_changelist") + "?_facets=True")
    assert response.status_code == 200
    filters = response.content.decode().split('id="changelist-filter"', 1)[1]
    assert "First with related (1)" in filters and "Second with related (1)" in filters
    assert "Chosen one" not in filters
