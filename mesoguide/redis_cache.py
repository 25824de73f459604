"""Django's built-in Redis cache backend, made an accelerator rather than a
single point of failure.

Redis holds nothing that lasts (PostgreSQL does): pages, parts, counters and
cached sessions. So when Redis cannot be reached, every cache call answers as
if the key were missing (get: the default, add: False, incr: ValueError, writes
do nothing) and the site works from the database. Editors' sessions are kept
in the database only (settings.SESSION_ENGINE), so they stay logged in, and a
logout can't leave a live copy of the session behind in an unreachable Redis.

An outage costs a request nothing: after a failed call, this process doesn't
try Redis again for RETRY_SECONDS (one call per interval finds out whether it
is back, so the site recovers by itself). The log says so once when the outage
starts, once every LOG_SECONDS while it lasts, and once when it ends; no
traceback per request. Writes dropped meanwhile (a refreshed page's new
version, a forgotten footer) may have left stale entries in Redis, so
`cache_returned` is sent when it answers again, and the page cache refreshes
everything on it (pagecache/refresh.py).

Also, Django's RedisCacheClient builds a new redis.Redis object on every cache
call, which costs about as much as the Redis round trip itself and is a large
share of a page-cache hit. A redis.Redis is thread-safe and its pool
reconnects in a forked worker, so one per pool is enough.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Sent, with no arguments, when the cache answers again after an outage.
cache_returned = Signal()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


def _missing_number(*args, **kwargs):
    raise ValueError("Key not found (the cache is unavailable).")


# What each cache operation answers while Redis is away: as if the key were missing.
_ANSWERS_WITHOUT_REDIS = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, *args, **kwargs: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "incr": _missing_number,
    "clear": lambda: False,
}


class FailSoftRedisCache(SharedClientRedisCache):
    """SharedClientRedisCache whose every call answers as a miss while Redis is away."""

    RETRY_SECONDS = 5.0
    LOG_SECONDS = 60.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_since = None  # time.monotonic() of the first failure, None when up
        self._retry_at = self._logged_at = 0.0
        self._unanswered = 0

    def is_available(self):
        """False while this process is waiting out an outage (for code using the client directly)."""
        return self._down_since is None or self._is_back()

    def _is_back(self):
        """During an outage: whether Redis answers again, asked once per RETRY_SECONDS.
        Before any other call uses it, whatever may have gone stale is refreshed."""
        if time.monotonic() < self._retry_at:
            self._unanswered += 1
            return False
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self.failed(error)
            return False
        with self._lock:
            if self._down_since is None:
                return True
            seconds = time.monotonic() - self._down_since
            self._down_since, self._unanswered = None, 0
        logger.warning("Cache available again after %d s", seconds)
        cache_returned.send(sender=type(self))
        return True

    def failed(self, error):
        """Record a failed call (also for code using the client directly)."""
        now = time.monotonic()
        with self._lock:
            self._unanswered += 1
            self._retry_at = now + self.RETRY_SECONDS
            if self._down_since is None:
                self._down_since = self._logged_at = now
                logger.warning(
                    "Cache unavailable (%s): pages are built from the database and "
                    "visits not counted until it answers; trying again every %g s",
                    str(error).strip() or type(error).__name__,
                    self.RETRY_SECONDS,
                )
            elif now - self._logged_at >= self.LOG_SECONDS:
                self._logged_at = now
                logger.warning(
                    "Cache still unavailable after %d s (%d calls answered without it)",
                    now - self._down_since,
                    self._unanswered,
                )


def _fail_soft(name, answer):
    def call(self, *args, **kwargs):
        if self._down_since is not None and not self._is_back():
            return answer(*args, **kwargs)
        try:
            return getattr(SharedClientRedisCache, name)(self, *args, **kwargs)
        except RedisError as error:
            self.failed(error)
            return answer(*args, **kwargs)

    call.__name__ = name
    return call


for _name, _answer in _ANSWERS_WITHOUT_REDIS.items():
    setattr(FailSoftRedisCache, _name, _fail_soft(_name, _answer))
