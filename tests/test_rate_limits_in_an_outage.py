"""Rate limits still hold while the shared cache (Redis) is unreachable: each
process counts on its own, in bounded memory, instead of letting every request
through."""

import pytest
from django.urls import reverse

from mesoguide import ratelimit
from mesoguide.ratelimit import RateLimit
from mesoguide.redis_cache import FailSoftRedisCache


@pytest.fixture
def unreachable_cache(settings, monkeypatch):
    """The production cache backend pointed at a port where nothing listens."""
    monkeypatch.setattr(FailSoftRedisCache, "RETRY_SECONDS", 60)
    settings.CACHES = {
        "default": {
            "BACKEND": "mesoguide.redis_cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


# Windows of a day: a test never crosses from one window into the next.


def test_a_limit_holds_per_process_while_the_cache_is_unreachable(unreachable_cache):
    limit = RateLimit("outage-test", limit=3, per_seconds=86_400)
    assert [limit.hit("203.0.113.7") for _ in range(5)] == [True, True, True, False, False]
    assert limit.hit("203.0.113.8"), "another client has its own count"


@pytest.mark.django_db
def test_public_posts_get_429_past_the_limit_while_the_cache_is_unreachable(
    unreachable_cache, client, settings
):
    settings.PUBLIC_POST_LIMIT = 3
    statuses = [client.post("/newsletter/", {}).status_code for _ in range(5)]
    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]


@pytest.mark.django_db
def test_searches_get_429_past_the_limit_while_the_cache_is_unreachable(
    unreachable_cache, client, monkeypatch
):
    from articles import search

    monkeypatch.setattr(
        search, "SEARCH_RATE_LIMIT", RateLimit("search", limit=3, per_seconds=86_400)
    )
    statuses = [client.get(reverse("search"), {"q": f"word{n}"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_memory_a_process_counts_in_is_bounded(unreachable_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "LOCAL_KEYS_KEPT", 100)
    limit = RateLimit("outage-test", limit=3, per_seconds=86_400)
    for n in range(1000):
        limit.hit(f"client-{n}")
    assert 0 < len(ratelimit._counted_here) <= 100


def test_with_the_cache_up_the_count_is_shared_not_kept_here():
    limit = RateLimit("shared-test", limit=2, per_seconds=86_400)
    assert [limit.hit("198.51.100.1") for _ in range(3)] == [True, True, False]
    assert ratelimit._counted_here == {}
