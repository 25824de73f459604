"""How readers see an article's view count: only once it means something (from
VIEW_COUNT_SHOWN_FROM, 100), written "4,336 views", and never more than
VIEW_COUNT_MAX_LAG_SECONDS (five minutes) behind, pages from the cache included."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from pagecache import store as pagecache
from readership.models import ArticleViewCount
from tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT=BROWSER)


def stats(reader, article):
    html = reader.get(article.get_absolute_url()).content.decode()
    return re.search(r'<p class="article-stats">(.*?)</p>', html).group(1)


def test_a_new_article_shows_no_count_only_its_change_log(reader, guide):
    line = stats(reader, guide)
    shown = re.sub(r"<[^>]+>", "", line)  # the words, not the link's address
    assert "view" not in shown.lower() and not re.search(r"\d", shown)
    assert ">What changed</a>" in line


def test_the_count_appears_at_one_hundred_with_separators(reader, guide, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the count as each rebuilt page shows it
    ArticleViewCount.objects.create(article=guide, count=98)
    assert "views" not in stats(reader, guide)  # 99 with this visit
    assert stats(reader, guide).startswith("100 views · ")
    busy = factories.published_article(slug="busy")
    ArticleViewCount.objects.create(article=busy, count=4335)
    assert stats(reader, busy).startswith("4,336 views · ")


def test_a_cached_page_is_never_more_than_five_minutes_behind(reader, guide, settings, monkeypatch):
    assert settings.PAGE_CACHE_SECONDS > settings.VIEW_COUNT_MAX_LAG_SECONDS == 300
    ArticleViewCount.objects.create(article=guide, count=199)
    assert stats(reader, guide).startswith("200 views")
    for _ in range(10):
        response = reader.get(guide.get_absolute_url())
        assert response["X-Page-Cache"] == "hit"
        # A CDN may keep it no longer than the count may lag.
        seconds = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
        assert seconds <= settings.VIEW_COUNT_MAX_LAG_SECONDS
    assert "200 views" in response.content.decode()  # served from the cache: at most 5 minutes old

    later = timezone.now() + timezone.timedelta(seconds=settings.VIEW_COUNT_MAX_LAG_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    assert stats(reader, guide).startswith("211 views"), "the ten cached visits and this one"


def test_only_pages_showing_a_count_are_kept_that_briefly(reader, guide, settings):
    settings.CDN_CACHE_SECONDS = 3600
    for url in ("/", guide.topic.get_absolute_url()):
        assert Client().get(url)["Cache-Control"].endswith("s-maxage=3600"), url
    article = reader.get(guide.get_absolute_url())["Cache-Control"]
    assert int(re.search(r"s-maxage=(\d+)", article).group(1)) <= 300


def test_a_kept_view_total_falls_behind_for_a_moment_but_never_overstates(settings, monkeypatch):
    from django.test import RequestFactory

    from articles.article_page import reader_context

    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    settings.VIEW_COUNT_SHOWN_FROM = 1
    article = factories.published_article(slug="kept-count")
    ArticleViewCount.objects.create(article=article, count=500)
    request = RequestFactory().get(article.get_absolute_url())
    first = reader_context(request, article.slug, article.pk, article.live_revision_id, 500)
    assert first["views"] == "500"
    # 50 visits are moved from the buffer to the database meanwhile (another server):
    # the stored count read with the page grows, the kept total is shown as it was.
    later = reader_context(request, article.slug, article.pk, article.live_revision_id, 550)
    assert later["views"] == "500"
