"""Count real reader visits of articles without a database write per visit.

Each counted visit is an atomic increment of a per-article counter in the
shared cache (Redis INCR in production, so every app server adds to the same
counter). The buffer is moved into the database with one
`UPDATE ... SET count = count + n` when it reaches FLUSH_EVERY visits or when
FLUSH_SECONDS have passed since the article's last flush, and by the
`flush_view_counts` command. Moving n means: read n, decrement the cache by
exactly n, add n in the database, so visits that arrive meanwhile stay in the
buffer and `stored + buffered` is always the true total.

Each process gathers its visits and adds them to the shared counter in one
round trip at most every VIEW_COUNT_PUSH_SECONDS (_PendingVisits), so counting
a visit costs no round trip on most requests.

An article page asks the page cache to count each visit it serves itself
(count_cache_hits): the page cache calls record_view() for every hit, before
Django or in its middleware (pagecache/hits.py).
"""

import atexit
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from redis.exceptions import RedisError

from mesoguide.redis_cache import FailSoftRedisCache
from pagecache.hits import on_hit

from .models import ArticleViewCount

logger = logging.getLogger(__name__)

# Crawlers, link unfurlers, monitors, command-line clients and headless browsers.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|bingpreview|"
    r"headless|lighthouse|pingdom|uptime|monitor|curl|wget|python|httpx|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|scrapy|feedfetcher|feedburner|validator|"
    r"preview|phantomjs|selenium|playwright|puppeteer",
    re.IGNORECASE,
)
_READ = object()  # buffered_views(): read the buffer from the cache
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def buffer_key(article_id):
    """The cache key of the article's buffered visits (its value: see buffered_views)."""
    return f"views:buffer:{article_id}"


def _recent_flush_key(article_id):
    return f"views:flushed-recently:{article_id}"


def _flush_lock_key(article_id):
    return f"views:flushing:{article_id}"


def is_reader_visit(request):
    """A real reader reading: a plain GET by a person, not a bot, a prefetch, staff or a preview."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "preview" in value or "prerender" in value:
            return False
    if _is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    if _may_be_signed_in(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return False
    return "preview" not in request.GET


def _may_be_signed_in(request):
    # Signing in sets the session cookie: a request without one is nobody's, and
    # the user need not be looked up on every reader's visit.
    cookies = getattr(request, "COOKIES", None)
    return cookies is None or settings.SESSION_COOKIE_NAME in cookies


@lru_cache(maxsize=1024)
def _is_bot(user_agent):
    # Remembered: a handful of browsers' strings make most visits, and this runs on
    # every cache hit of an article.
    return not user_agent or BOT_USER_AGENT.search(user_agent) is not None


def record_view(request, article_id):
    """Count this request as a visit of the article if it is a reader's.

    Returns a Visit: whether it was counted, and how many buffered visits it
    moved to the database (so a count read from the database just before can
    be corrected)."""
    if not is_reader_visit(request):
        return Visit(counted=False, moved_to_database=0)
    pushed = _push(_pending.add(article_id))
    if article_id not in pushed:
        return Visit(counted=True, moved_to_database=0)
    # Only this article is flushed here: one reader's request never pays for
    # the others in the batch (their next visit or flush_view_counts moves them).
    buffered, due_by_time = pushed[article_id]
    if buffered < settings.VIEW_COUNT_FLUSH_EVERY and not due_by_time:
        return Visit(counted=True, moved_to_database=0)
    # By count, only a full batch: another request may have just moved it.
    at_least = 1 if due_by_time else settings.VIEW_COUNT_FLUSH_EVERY
    try:
        moved = flush(article_id, at_least)
    except Exception:  # the page matters more than the count: the visits stay buffered
        logger.warning("Views of article %s not flushed", article_id, exc_info=True)
        moved = 0
    return Visit(counted=True, moved_to_database=moved)


_CACHE_HIT = "article-visit"


def count_cache_hits(response, article_id):
    """Have every page-cache hit of this response count a visit of the article."""
    response.page_cache_on_hit = {_CACHE_HIT: article_id}


@on_hit(_CACHE_HIT)
def _count_cache_hit(visit, article_id):
    record_view(visit, article_id)


@dataclass(frozen=True)
class Visit:
    counted: bool
    moved_to_database: int

    def __bool__(self):
        return self.counted


class _PendingVisits:
    """Visits this process has counted and not yet added to the shared buffer.

    Adding each visit to the buffer in Redis would cost a round trip on every
    article view, cached pages included. So each process gathers them and adds
    them in one round trip at most every VIEW_COUNT_PUSH_SECONDS (0: at once):
    at its first counted visit after that, or from a timer when no visit comes,
    and when it exits.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._last_push = float("-inf")
        self._timer = None

    def add(self, article_id):
        """Count one visit; returns the visits to push now ({article id: n}), maybe none."""
        with self._lock:
            self._counts[article_id] += 1
            wait = self._last_push + settings.VIEW_COUNT_PUSH_SECONDS - time.monotonic()
            if wait > 0:
                self._push_later(wait)
                return {}
            self._last_push = time.monotonic()
            return self._take()

    def take_all(self):
        with self._lock:
            return self._take()

    def count(self, article_id):
        return self._counts.get(article_id, 0)

    def _take(self):
        taken, self._counts = dict(self._counts), Counter()
        return taken

    def _push_later(self, wait):
        # So that a process whose visits stop doesn't keep them (called with the lock held).
        if self._timer is None or not self._timer.is_alive():
            self._timer = threading.Timer(wait, push_pending_visits)
            self._timer.daemon = True
            self._timer.start()


_pending = _PendingVisits()


def _push(counts):
    """Add {article id: visits} to the shared buffers; {article id: (buffered, flush due
    by time)} for those added. Visits that may not have been added are dropped, not
    retried: a retry could count them twice, and a count is better low than high."""
    if not counts:
        return {}
    backend = caches["default"]
    fail_soft = isinstance(backend, FailSoftRedisCache)
    if fail_soft and not backend.is_available():
        return {}  # the cache logs its outage, once per interval
    try:
        added = _add_visits(counts)
    except Exception as error:
        if fail_soft and isinstance(error, RedisError):
            backend.failed(error)
            return {}
        added = {}
        logger.warning("Cache unavailable: visits not counted", exc_info=True)
    lost = sum(n for article_id, n in counts.items() if article_id not in added)
    if lost:
        logger.warning("%s visit(s) not counted", lost)
    return added


def _add_visits(counts):
    redis = _redis_client()
    flush_seconds = max(1, settings.VIEW_COUNT_FLUSH_SECONDS)
    if redis is None:
        added = {}
        for article_id, n in counts.items():
            buffered = _add_to_buffer(article_id, n)
            added[article_id] = (
                buffered,
                cache.add(_recent_flush_key(article_id), 1, timeout=flush_seconds),
            )
        return added
    # On Redis, one round trip for all of them (Django's add + incr is three per
    # article): INCRBY creates a missing counter, SET NX EX is cache.add. Django's
    # Redis backend stores integers as they are, so cache.get reads both. Replies
    # are read one by one: an article whose INCRBY failed was not counted.
    pipeline = redis.pipeline(transaction=False)
    for article_id, n in counts.items():
        pipeline.incrby(cache.make_and_validate_key(buffer_key(article_id)), n)
        pipeline.set(
            cache.make_and_validate_key(_recent_flush_key(article_id)),
            1,
            nx=True,
            ex=flush_seconds,
        )
    replies = pipeline.execute(raise_on_error=False)
    added = {}
    for i, article_id in enumerate(counts):
        buffered, due = replies[2 * i], replies[2 * i + 1]
        if isinstance(buffered, int):
            added[article_id] = (buffered, due is True)
    return added


@atexit.register
def push_pending_visits():
    """Add this process's gathered visits to the shared buffers (also run at exit)."""
    _push(_pending.take_all())


def _redis_client():
    """The redis-py client behind the default cache when it is Django's Redis backend."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)  # noqa: SLF001 (Django has no public accessor)


def _add_to_buffer(article_id, n=1):
    key = buffer_key(article_id)
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key, n)
    except ValueError:  # evicted between add and incr
        cache.add(key, 0, timeout=None)
        return cache.incr(key, n)


def flush(article_id, at_least=1):
    """Move the article's buffered visits into the database if there are at least
    `at_least` of them; returns how many moved."""
    # One flusher per article at a time; others just leave their visits buffered.
    if not cache.add(_flush_lock_key(article_id), 1, timeout=30):
        return 0
    try:
        pending = cache.get(buffer_key(article_id)) or 0
        if pending <= 0 or pending < at_least:
            return 0
        cache.decr(buffer_key(article_id), pending)
        try:
            _add_to_database(article_id, pending)
        except Exception:
            _add_to_buffer(article_id, pending)  # keep them for the next flush
            logger.exception("Could not store %s views of article %s", pending, article_id)
            return 0
        cache.set(_recent_flush_key(article_id), 1, timeout=settings.VIEW_COUNT_FLUSH_SECONDS)
        return pending
    finally:
        cache.delete(_flush_lock_key(article_id))


def _add_to_database(article_id, n):
    updated = ArticleViewCount.objects.filter(article_id=article_id).update(count=F("count") + n)
    if updated:
        return
    try:
        with transaction.atomic():
            ArticleViewCount.objects.create(article_id=article_id, count=n)
    except IntegrityError:  # another server created the row first
        ArticleViewCount.objects.filter(article_id=article_id).update(count=F("count") + n)


def flush_all():
    """Flush every article with buffered visits; returns the number of visits moved."""
    from articles.models import Article

    push_pending_visits()
    ids = list(Article.objects.values_list("pk", flat=True))
    buffered = cache.get_many([buffer_key(pk) for pk in ids])
    return sum(flush(pk) for pk in ids if buffered.get(buffer_key(pk)))


def view_count(article):
    """The article's visits for display: stored in the database plus still buffered."""
    return sum(stored_views(article.pk)[:1]) + buffered_views(article.pk)


def shown_view_count(views):
    """The count as readers see it ("4,336"), or "" while it is too small to mean
    anything (below VIEW_COUNT_SHOWN_FROM)."""
    return f"{views:,}" if views >= settings.VIEW_COUNT_SHOWN_FROM else ""


def stored_views(article_id):
    """The count in the database, as a one-value queryset (usable as a subquery)."""
    return ArticleViewCount.objects.filter(article_id=article_id).values_list("count", flat=True)


def buffered_views(article_id, value=_READ):
    """Visits counted and not yet moved to the database: in the shared buffer, and
    those this process has not pushed yet. `value`, when given, is what the cache
    held under buffer_key(article_id), read with other keys."""
    if value is _READ:
        value = cache.get(buffer_key(article_id))
    return max(0, value or 0) + _pending.count(article_id)
