"""Articles show how often readers read them; only real reader visits count, without a write per visit."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from readership import counting
from readership.models import ArticleViewCount
from tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT=BROWSER)


def test_article_shows_its_view_count_with_separators(reader, guide):
    ArticleViewCount.objects.create(article=guide, count=4335)
    assert "4,336 views" in reader.get(guide.get_absolute_url()).content.decode()


def test_each_reader_visit_counts_once(reader, guide):
    for _ in range(3):
        reader.get(guide.get_absolute_url())
    assert counting.view_count(guide) == 3


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        },
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0)"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 HeadlessChrome/120.0"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_PURPOSE": "preview"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
)
def test_bots_and_prefetches_do_not_count(client, guide, request_kwargs):
    assert client.get(guide.get_absolute_url(), **request_kwargs).status_code == 200
    assert counting.view_count(guide) == 0


def test_head_requests_do_not_count(reader, guide):
    assert reader.head(guide.get_absolute_url()).status_code == 200
    assert counting.view_count(guide) == 0


def test_staff_visits_and_previews_do_not_count(reader, guide, editor):
    reader.force_login(editor)
    reader.get(guide.get_absolute_url())
    reader.get(guide.get_absolute_url() + "?preview")
    assert counting.view_count(guide) == 0


def test_logged_in_readers_who_are_not_staff_count(reader, guide):
    reader.force_login(get_user_model().objects.create_user("member", password="pw"))
    reader.get(guide.get_absolute_url())
    assert counting.view_count(guide) == 1


def test_visits_are_buffered_and_written_once_per_batch(reader, guide, settings):
    settings.VIEW_COUNT_FLUSH_EVERY = 10
    reader.get(guide.get_absolute_url())  # the first visit also starts the time window
    assert ArticleViewCount.objects.get(article=guide).count == 1
    with CaptureQueriesContext(connection) as queries:
        for _ in range(25):
            assert counting.record_view(reader.get("/").wsgi_request, guide.pk)
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert len(writes) == 2  # at 10 and 20 buffered visits
    assert ArticleViewCount.objects.get(article=guide).count == 21
    assert counting.view_count(guide) == 26


def test_buffered_visits_are_flushed_after_the_time_limit(reader, guide, settings):
    settings.VIEW_COUNT_FLUSH_EVERY = 1000
    for _ in range(3):
        reader.get(guide.get_absolute_url())
    assert ArticleViewCount.objects.get(article=guide).count == 1
    counting.cache.delete(counting._recent_flush_key(guide.pk))  # the time window has passed
    reader.get(guide.get_absolute_url())
    assert ArticleViewCount.objects.get(article=guide).count == 4


def test_flush_command_stores_all_buffered_visits(reader, guide, settings):
    settings.VIEW_COUNT_FLUSH_EVERY = 1000
    other = factories.published_article(slug="other")
    for article in (guide, guide, other):
        reader.get(article.get_absolute_url())
    call_command("flush_view_counts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    stored = dict(ArticleViewCount.objects.values_list("article__slug", "count"))
    assert stored == {guide.slug: 2, "other": 1}
    assert counting.view_count(guide) == 2


def test_a_failed_database_write_keeps_the_visits_buffered(reader, guide, monkeypatch):
    def broken(article_id, n):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(counting, "_add_to_database", broken)
    reader.get(guide.get_absolute_url())
    assert counting.view_count(guide) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_visits_are_all_counted_with_few_database_writes(settings):
    """N concurrent reader visits give N views and about N / FLUSH_EVERY database writes."""
    settings.VIEW_COUNT_FLUSH_EVERY = 50
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    article = factories.published_article(slug="busy")
    threads, per_thread = 8, 100
    visit = RequestFactory().get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    visit.user = AnonymousUser()
    writes, errors = [], []
    real_write = counting._add_to_database

    def counted_write(article_id, n):
        real_write(article_id, n)  # SQLite may refuse under concurrency; the visits stay buffered
        writes.append(n)

    def reader():
        try:
            for _ in range(per_thread):
                counting.record_view(visit, article.pk)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    counting._add_to_database = counted_write
    try:
        workers = [threading.Thread(target=reader) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        counting._add_to_database = real_write
    total = threads * per_thread
    assert not errors
    assert counting.view_count(article) == total
    assert ArticleViewCount.objects.get(article=article).count == sum(writes)
    assert len(writes) <= total // 50 + 2, writes


def test_each_process_adds_its_visits_to_the_shared_counter_in_batches(
    settings, reader, guide, monkeypatch
):
    settings.VIEW_COUNT_PUSH_SECONDS = 3600
    settings.PAGE_CACHE_SECONDS = 0  # the count as a rebuilt page shows it
    pushes = []
    real_add_visits = counting._add_visits
    monkeypatch.setattr(
        counting, "_add_visits", lambda counts: pushes.append(counts) or real_add_visits(counts)
    )
    ArticleViewCount.objects.create(article=guide, count=100)
    for _ in range(5):
        reader.get(guide.get_absolute_url())
    # The first visit is pushed at once, the next four wait for the next push ...
    assert pushes == [{guide.pk: 1}]
    # ... yet every page this process shows counts them, this visit included,
    assert "106 views" in reader.get(guide.get_absolute_url()).content.decode()
    # and they reach the shared counter in one push: at exit, or when flushing.
    counting.flush_all()
    assert pushes[1:] == [{guide.pk: 5}]
    assert ArticleViewCount.objects.get(article=guide).count == 106


def test_a_process_whose_visits_stop_still_adds_them_soon(settings, reader, guide):
    settings.VIEW_COUNT_PUSH_SECONDS = 0.2
    reader.get(guide.get_absolute_url())  # pushed at once
    reader.get(guide.get_absolute_url())  # waits for the next push
    assert counting._pending.count(guide.pk) == 1
    assert counting.view_count(guide) == 2  # this process shows both
    time.sleep(0.6)  # no more visits: a timer adds it to the shared counter
    assert counting._pending.count(guide.pk) == 0
    assert counting.view_count(guide) == 2


def test_visits_that_may_not_have_reached_the_counter_are_never_counted_twice(guide, monkeypatch):
    real_add_visits = counting._add_visits

    def times_out_after_adding(counts):
        real_add_visits(counts)  # Redis applied it, but the reply never came
        raise TimeoutError("no reply")

    monkeypatch.setattr(counting, "_add_visits", times_out_after_adding)
    counting._push({guide.pk: 5})
    monkeypatch.setattr(counting, "_add_visits", real_add_visits)
    counting._push({guide.pk: 1})
    assert counting.buffered_views(guide.pk) == 6  # not 11
