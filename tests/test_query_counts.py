"""Uncached pages run a small, fixed number of queries however many articles there are:
listings are paginated or capped, the sitemap and search too."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

# With every cache empty (the worst case). The article page: the article, its
# view count, its comments, related articles, editors' picks, more to read;
# the footer links; the next scheduled change (articles, partner register) for
# the footer's, the sidebar's and the page's cache lifetimes; whether a
# scheduled revision is due to go live (articles/scheduling.py). With its parts
# kept in the cache, an article page is built with one (see below).
MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600  # count the queries of a cache miss


def add_synthetic_articles(count, article):
    call_command("generate_synthetic_articles", count, allow_production=True, verbosity=0)
    Article.objects.filter(slug__startswith="synthetic-").update(author=article.author)


def queries_for(client, url):
    from django.core.cache import cache

    cache.clear()  # a miss every time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def reader_urls(article):
    return {
        "home": "/",
        "topic": article.topic.get_absolute_url(),
        "topic, last page": article.topic.get_absolute_url() + "?page=3",
        "person": article.author.get_absolute_url(),
        "article": article.get_absolute_url(),
        "sitemap": "/sitemap.xml",
        "sitemap of articles": "/sitemap-articles.xml",
        "feed": "/feeds/atom/",
        "search": "/search/?q=synthetic+article",
        "search, page 2 (past the last with few articles)": "/search/?q=synthetic+article&page=2",
    }


def test_page_queries_do_not_grow_with_the_number_of_articles(
    client, django_assert_max_num_queries
):
    article = factories.published_article(slug="what-it-is")
    add_synthetic_articles(3, article)
    few = {
        name: queries_for(client, url)
        for name, url in reader_urls(article).items()
        if "last" not in name
    }
    add_synthetic_articles(120, article)
    for name, url in reader_urls(article).items():
        with django_assert_max_num_queries(MAX_QUERIES):
            many = queries_for(client, url)
        assert many == few.get(name, many), name


def test_home_shows_the_first_articles_of_each_topic_and_links_to_the_rest(client):
    article = factories.published_article(slug="what-it-is", title="What mesotherapy is")
    add_synthetic_articles(20, article)
    html = client.get("/").content.decode()
    assert html.count('class="card"') == 6
    assert f'<a href="{article.topic.get_absolute_url()}">All articles in' in html


def test_topic_pages_are_paginated(client):
    article = factories.published_article(slug="what-it-is")
    add_synthetic_articles(30, article)
    first = client.get(article.topic.get_absolute_url()).content.decode()
    second = client.get(article.topic.get_absolute_url() + "?page=2").content.decode()
    assert first.count('class="card"') == 24 and second.count('class="card"') == 7
    assert 'href="?page=2" rel="next"' in first and 'href="?page=1" rel="prev"' in second


def test_synthetic_articles_are_marked_and_removable():
    article = factories.published_article(slug="what-it-is")
    add_synthetic_articles(5, article)
    synthetic = Article.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 5
    assert all(a.live_revision.title.startswith("Synthetic article") for a in synthetic)
    call_command("generate_synthetic_articles", delete=True, allow_production=True, verbosity=0)
    assert list(Article.objects.all()) == [article]


def test_synthetic_articles_are_refused_on_a_production_database(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("generate_synthetic_articles", 5)


def test_an_article_page_is_built_with_one_query_once_its_parts_are_kept(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # built every time
    article = factories.published_article(slug="what-it-is")
    add_synthetic_articles(5, article)
    client.get(article.get_absolute_url())  # the page's parts are now kept in the cache
    # Decided afresh, together: whether the article may be shown, which revision
    # is live, and its view count.
    with django_assert_num_queries(1):
        assert client.get(article.get_absolute_url()).status_code == 200
