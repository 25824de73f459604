"""Nothing a client sends creates unbounded cache keys: a page has one key
whatever host spelling, port, page-number digits or extra parameters ask for it."""

import random

import pytest
from django.core.cache import cache
from django.test import Client

from pagecache import store as pagecache
from tests import factories

# The number 1 in other scripts' digits: the page number 1, under the key of ?page=1.
OTHER_DIGITS = ["١", "۱", "१", "১", "๑", "１", "𝟏"]  # noqa: RUF001
# Not a number at all: refused (404), never stored.
NOT_NUMBERS = ["¹", "①", "1.0", "+1", " 1", "1_0", "x", "1" * 7]


@pytest.fixture
def stored_page_keys(monkeypatch):
    """Every key a page was stored under (whatever the cache backend)."""
    keys = set()
    store = cache.set

    def set_and_record(key, *args, **kwargs):
        if key.startswith("page:"):
            keys.add(key)
        return store(key, *args, **kwargs)

    monkeypatch.setattr(pagecache.cache, "set", set_and_record)
    return keys


def crafted_variants(path, count, seed=15):
    """(host, query string) pairs asking for page 1 of `path` in many spellings."""
    rng = random.Random(seed)  # noqa: S311 (test input, not secrets)
    hosts = ["testserver", "TestServer", "testserver.", "TESTSERVER.", "localhost", "127.0.0.1"]
    for _ in range(count):
        host = rng.choice(hosts)
        if rng.random() < 0.7:
            host += f":{rng.randrange(1, 65536)}"
        params = {f"junk{rng.randrange(10**6)}": str(rng.random())}
        kind = rng.random()
        if kind < 0.3:
            params["page"] = "0" * rng.randrange(0, 5) + "1"
        elif kind < 0.4:
            params["page"] = rng.choice(OTHER_DIGITS)
        elif kind < 0.42:  # refused with the 404 page (each one rendered)
            params["page"] = rng.choice(NOT_NUMBERS)
        elif kind < 0.5:
            params["utm_source"] = rng.choice(["news", "Ünïcode", "x" * 100])
        yield host, path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.django_db
def test_ten_thousand_crafted_variants_of_a_page_add_only_a_handful_of_cache_keys(
    settings, stored_page_keys
):
    settings.SITE_URL = "https://mesoguide.example"  # required in production
    article = factories.published_article(slug="what-it-is")
    topic = article.topic.get_absolute_url()
    statuses = {}
    client = Client()
    for host, url in crafted_variants(topic, 10_000):
        status = client.get(url, HTTP_HOST=host).status_code
        statuses[status] = statuses.get(status, 0) + 1
    assert set(statuses) <= {200, 404}, statuses  # never an error
    assert statuses[200] > 9_000 and statuses[404] > 100
    assert len(stored_page_keys) <= 2, sorted(stored_page_keys)  # the page, and ?page=1


@pytest.mark.django_db
@pytest.mark.parametrize("digit", OTHER_DIGITS)
def test_a_page_number_in_other_digits_is_that_page_under_its_one_key(
    client, digit, stored_page_keys
):
    topic = factories.published_article().topic.get_absolute_url()
    first = client.get(topic, {"page": digit})
    assert first.status_code == 200
    second = client.get(topic, {"page": "1"})
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert len(stored_page_keys) == 1 and all(key.isascii() for key in stored_page_keys)


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_page_number_that_is_no_number_is_refused_not_stored(client, value, stored_page_keys):
    topic = factories.published_article().topic.get_absolute_url()
    assert client.get(topic, {"page": value}).status_code == 404
    assert not stored_page_keys


@pytest.mark.django_db
def test_host_spellings_share_one_key_in_development_too(settings, stored_page_keys):
    settings.SITE_URL = ""  # pages link to the host they were asked for
    factories.published_article(slug="what-it-is")
    for host in ("testserver", "TESTSERVER", "testserver.", "testserver:80", "TestServer.:080"):
        page = Client().get("/guide/what-it-is/", HTTP_HOST=host)
        assert page.status_code == 200
        assert 'href="http://testserver/guide/what-it-is/"' in page.content.decode()
    assert len(stored_page_keys) == 1


@pytest.mark.django_db
def test_made_up_session_or_message_cookies_do_not_bypass_the_cache(client, editor):
    factories.published_article(slug="what-it-is")
    Client().get("/guide/what-it-is/")
    for name, value in (("sessionid", "x" * 32), ("messages", "made-up")):
        visitor = Client()
        visitor.cookies[name] = value
        assert visitor.get("/guide/what-it-is/")["X-Page-Cache"] == "hit", name
    client.force_login(editor)  # a real session is personal
    assert "X-Page-Cache" not in client.get("/guide/what-it-is/")
