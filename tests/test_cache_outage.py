"""Redis is an accelerator, not a single point of failure. With a real Redis
stopped: readers get pages (built from the database), logged-in editors keep
working, the log says so in one line, not a traceback per request; started
again: pages are cached again, and nothing changed meanwhile is served stale."""

import logging
import os
import shutil
import subprocess
import time

import pytest
from django.test import Client

from mesoguide.redis_cache import FailSoftRedisCache
from tests import factories

# Our own Redis on its own port, stopped and started by the test; never the
# shared one on 6379.
PORT = int(os.environ.get("OUTAGE_TEST_REDIS_PORT", "6390"))
RETRY_SECONDS = 0.2


class OwnRedis:
    def __init__(self, directory):
        self.directory = directory

    def _cli(self, *args):
        return subprocess.run(  # noqa: S603 (fixed arguments)
            [shutil.which("redis-cli"), "-p", str(PORT), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self):
        subprocess.run(  # noqa: S603
            [
                *(shutil.which("redis-server"), "--port", str(PORT), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "yes"),
                *("--dir", str(self.directory)),
            ],
            check=True,
            capture_output=True,
        )
        self._wait_until(lambda: self._cli("ping").stdout.strip() == "PONG")

    def stop(self):
        self._cli("shutdown", "nosave")
        self._wait_until(lambda: self._cli("ping").returncode != 0)

    @staticmethod
    def _wait_until(condition):
        deadline = time.monotonic() + 5
        while not condition():
            assert time.monotonic() < deadline, "redis-server did not start or stop"
            time.sleep(0.02)


@pytest.fixture
def own_redis(settings, tmp_path, monkeypatch):
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is needed for the cache outage tests")
        pytest.skip("redis-server is not installed")
    redis = OwnRedis(tmp_path)
    if redis._cli("ping").stdout.strip() == "PONG":
        pytest.skip(f"something already listens on port {PORT}")
    redis.start()
    monkeypatch.setattr(FailSoftRedisCache, "RETRY_SECONDS", RETRY_SECONDS)
    settings.CACHES = {
        "default": {
            "BACKEND": "mesoguide.redis_cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{PORT}/0",
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield redis
    redis.stop()


def cache_lines(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.django_db
def test_readers_and_editors_are_served_while_redis_is_down_and_it_comes_back_by_itself(
    own_redis, editor, caplog
):
    article = factories.published_article(slug="what-it-is", title="What mesotherapy is")
    reader, editor_client = Client(), Client()
    assert reader.get("/guide/what-it-is/")["X-Page-Cache"] == "miss"
    assert reader.get("/guide/what-it-is/")["X-Page-Cache"] == "hit"
    editor_client.force_login(editor)
    change_page = f"/admin/articles/article/{article.pk}/change/"
    assert editor_client.get(change_page).status_code == 200

    own_redis.stop()
    caplog.clear()
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    for _ in range(10):
        page = reader.get("/guide/what-it-is/")
        assert page.status_code == 200 and "What mesotherapy is" in page.content.decode()
        assert editor_client.get("/admin/").status_code == 200
        assert editor_client.get(change_page).status_code == 200
    # An editor can also log in afresh and publish while the cache is away.
    newcomer = Client()
    assert newcomer.login(username="editor", password="pw")
    assert newcomer.get("/admin/").status_code == 200
    factories.revise_and_publish(article, title="Mesotherapy, explained")
    assert "Mesotherapy, explained" in reader.get("/guide/what-it-is/").content.decode()
    ready = reader.get("/readyz")
    assert ready.status_code == 200 and "cache unavailable" in ready.content.decode()
    assert time.monotonic() - started < 10  # no request waited on the missing Redis

    logged = cache_lines(caplog)
    assert [r.getMessage().split(" (")[0] for r in logged] == ["Cache unavailable"], [
        r.getMessage() for r in logged
    ]
    assert not any(r.exc_info for r in logged)

    own_redis.start()
    time.sleep(RETRY_SECONDS)
    back = reader.get("/guide/what-it-is/")
    assert back.status_code == 200 and "Mesotherapy, explained" in back.content.decode()
    again = reader.get("/guide/what-it-is/")
    assert again["X-Page-Cache"] == "hit" and "Mesotherapy, explained" in again.content.decode()
    assert editor_client.get(change_page).status_code == 200
    assert reader.get("/readyz").content.decode() == "ready\n"
    assert any("Cache available again" in r.getMessage() for r in cache_lines(caplog))


@pytest.mark.django_db
def test_a_page_changed_while_redis_was_unreachable_is_not_served_stale_when_it_returns(
    own_redis,
):
    # Redis kept its data (a network cut, not a restart): the stored copy of the
    # page outlived the refresh that was dropped while it was away.
    article = factories.published_article(slug="what-it-is", title="What mesotherapy is")
    reader = Client()
    reader.get("/guide/what-it-is/")
    assert reader.get("/guide/what-it-is/")["X-Page-Cache"] == "hit"
    backend = FailSoftRedisCache  # every call fails as when Redis can't be reached
    original = backend.__dict__["set_many"]
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(self, *args, **kwargs):
        self.failed(RedisConnectionError("network cut"))
        return list(args[0])

    backend.set_many = unreachable
    try:
        factories.revise_and_publish(article, title="Mesotherapy, explained")
    finally:
        backend.set_many = original
    time.sleep(RETRY_SECONDS)
    page = reader.get("/guide/what-it-is/").content.decode()
    assert "Mesotherapy, explained" in page and "What mesotherapy is" not in page
