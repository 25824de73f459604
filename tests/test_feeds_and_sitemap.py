"""Feeds, sitemap.xml and robots.txt list the published guide for readers' apps and search engines."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Kind
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 (our own output, not untrusted input)


def test_rss_feed_lists_published_articles_newest_first(client):
    old = factories.published_article(
        slug="old", title="Older article", at=timezone.now() - timezone.timedelta(days=5)
    )
    factories.published_article(slug="new", title="Newer article")
    response = client.get(reverse("feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    items = parse(response).findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["Newer article", "Older article"]
    assert items[1].findtext("link") == f"http://testserver{old.get_absolute_url()}"
    assert items[1].findtext("description") == old.live_revision.summary


def test_atom_feed_has_entries_with_updated_dates_and_authors(client, guide):
    response = client.get(reverse("feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    entry = parse(response).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "What mesotherapy is"
    assert entry.findtext(f"{ATOM}updated").startswith(str(guide.last_published_at.year))
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "MesoGuide editorial team"


def test_pages_link_to_the_feeds(client, guide):
    html = client.get("/").content.decode()
    assert (
        f'type="application/atom+xml" title="MesoGuide: new and updated articles (Atom)" href="{reverse("feed_atom")}"'
        in html
    )
    assert f'href="{reverse("feed_rss")}"' in html


def sitemap_entries(client):
    """Every <url> of the sitemap, found by following the index to each section file."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    entries = {}
    for location in parse(index).iter(f"{SITEMAP}loc"):
        section = client.get(location.text.removeprefix("http://testserver"))
        assert section.status_code == 200, location.text
        for url in parse(section).findall(f"{SITEMAP}url"):
            entries[url.findtext(f"{SITEMAP}loc")] = url.findtext(f"{SITEMAP}lastmod")
    return entries


def test_sitemap_lists_home_topics_articles_and_pages_with_lastmod(client, guide):
    page = factories.approve_and_publish(
        factories.draft_article(slug="about", title="About", kind=Kind.PAGE),
        at=timezone.now() - timezone.timedelta(days=2),
    )
    empty_topic = factories.topic(slug="empty-topic")
    urls = sitemap_entries(client)
    base = "http://testserver"
    assert urls[base + guide.get_absolute_url()] == guide.last_published_at.date().isoformat()
    assert urls[base + page.get_absolute_url()] == page.last_published_at.date().isoformat()
    assert urls[base + guide.topic.get_absolute_url()] == guide.last_published_at.date().isoformat()
    assert base + "/" in urls
    assert base + empty_topic.get_absolute_url() not in urls


def test_sitemap_uses_site_url_when_set(client, guide, settings):
    settings.SITE_URL = "https://mesoguide.example"
    assert (
        "<loc>https://mesoguide.example/sitemap-articles.xml</loc>"
        in client.get("/sitemap.xml").content.decode()
    )
    assert (
        f"<loc>https://mesoguide.example{guide.get_absolute_url()}</loc>"
        in client.get("/sitemap-articles.xml").content.decode()
    )


def test_large_sections_are_split_into_small_sitemap_files(client, monkeypatch):
    from articles.sitemaps import SITEMAPS

    monkeypatch.setattr(SITEMAPS["articles"], "limit", 2)
    for n in range(5):
        factories.published_article(slug=f"article-{n}")
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-articles.xml?p=3</loc>" in index
    assert "/sitemap-articles.xml?p=4</loc>" not in index
    last = client.get("/sitemap-articles.xml", {"p": 3})
    assert last.status_code == 200 and len(parse(last).findall(f"{SITEMAP}url")) == 1


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://mesoguide.example"
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert "Sitemap: https://mesoguide.example/sitemap.xml" in text
