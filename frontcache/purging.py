"""Purge the front cache (a CDN or caching proxy) when pages change.

The page cache announces every change that refreshes pages with
pagecache.signals.pages_changed, after the transaction commits. For each one,
when a backend is configured (backends.py):

1. a PendingPurge row records the paths (one INSERT, the only work done in the
   editor's request);
2. this process's purge thread sends it at once and, when the front cache
   confirms, once more FRONTEND_CACHE_REPEAT_SECONDS later (an app server may
   have been building a page from the data before the change and handed it to
   the front cache just after the first purge), then deletes the row. The
   editor's request never waits for the front cache and never fails because of it;
3. a purge that failed (or whose process died before sending it) stays in the
   table and is retried by `manage.py purge_front_cache`, run every minute from
   cron on one node, with a growing pause between attempts (30 s, 1 min,
   2 min ... at most an hour), each failure logged as a warning. A row older
   than CDN_CACHE_SECONDS is dropped with an error in the log: the front cache
   has let those pages go by then anyway.

Rows are taken with a conditional UPDATE that pushes next_attempt_at forward
(a lease), so the purge thread and any number of cron runs never send the same
row at once; a lease that runs out (a process killed mid-send) frees the row.
"""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.dispatch import receiver
from django.utils import timezone

from pagecache.signals import pages_changed

from .backends import PurgeFailed, configured_backend
from .models import PendingPurge

logger = logging.getLogger(__name__)

# How long one sender holds the rows it took: far beyond a backend's timeouts.
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@receiver(pages_changed, dispatch_uid="frontcache-purge")
def _pages_changed(sender, paths=frozenset(), all_pages=False, **kwargs):
    if configured_backend() is None or not (paths or all_pages):
        return
    # The signal comes after commit; should it ever come inside a transaction,
    # nothing may leave before that transaction commits.
    transaction.on_commit(lambda: queue_purge(paths, all_pages))


def queue_purge(paths, all_pages=False):
    """Record a purge of `paths` (site-relative URL paths) or of every page, and send it
    on this process's purge thread. Never raises."""
    try:
        pending = PendingPurge.objects.create(
            paths=sorted(paths),
            all_pages=all_pages,
            next_attempt_at=timezone.now() + LEASE,  # held for the purge thread
        )
    except DatabaseError:
        logger.exception("Front-cache purge not recorded; sending it once, without retries")
        _in_background(_send_unrecorded, sorted(paths), all_pages)
        return
    with _queued_lock:
        _queued.append(pending.pk)
    _in_background(_send_queued)


def purge_every_page_now():
    """Purge every page from the front cache, waiting for the answer (after a release's
    rollout, say). Recorded first, so a failure is retried like any other purge.
    Returns whether the front cache confirmed it."""
    pending = PendingPurge.objects.create(all_pages=True, next_attempt_at=timezone.now() + LEASE)
    return bool(send([pending.pk]))


def purge_due(now=None):
    """Send every recorded purge whose time has come, in one call to the front cache.
    Returns (paths purged or "all", rows sent, rows dropped as too old); raises nothing."""
    now = now or timezone.now()
    too_old = now - timedelta(seconds=settings.CDN_CACHE_SECONDS)
    dropped = list(
        PendingPurge.objects.filter(created_at__lt=too_old).values_list("pk", "attempts")
    )
    if dropped:
        PendingPurge.objects.filter(pk__in=[pk for pk, _ in dropped]).delete()
        logger.error(
            "Gave up %d front-cache purge(s) after %s attempt(s): older than the CDN lifetime",
            len(dropped),
            "/".join(str(attempts) for _, attempts in dropped),
        )
    due = PendingPurge.objects.filter(next_attempt_at__lte=now).values_list("pk", "next_attempt_at")
    taken = [
        pk
        for pk, moment in due[:500]
        if PendingPurge.objects.filter(pk=pk, next_attempt_at=moment).update(
            next_attempt_at=now + LEASE
        )
    ]
    return send(taken, now), len(taken), len(dropped)


def send(ids, now=None):
    """Send the purges of these (already taken) rows together; delete them when the
    front cache confirms, else schedule their retry and log why. Returns the paths
    purged ({"all"} for every page; empty when it failed)."""
    rows = list(PendingPurge.objects.filter(pk__in=ids))
    if not rows:
        return set()
    all_pages = any(row.all_pages for row in rows)
    paths = sorted({path for row in rows for path in row.paths})
    started = time.monotonic()
    try:
        _purge(paths, all_pages)
    except PurgeFailed as error:
        for row in rows:
            row.attempts += 1
            row.last_error = str(error)[:2000]
            row.next_attempt_at = (now or timezone.now()) + _pause_after(row.attempts)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        logger.warning(
            "Front-cache purge of %s failed, retried from %s: %s",
            "every page" if all_pages else ", ".join(paths),
            min(row.next_attempt_at for row in rows).isoformat(timespec="seconds"),
            error,
        )
        return set()
    first_time = [row.pk for row in rows if not row.sent_once]
    PendingPurge.objects.filter(pk__in=ids).exclude(pk__in=first_time).delete()
    if first_time:
        # Once more shortly: a page that an app server was building from the data
        # before the change, and handed to the front cache after this purge, is gone then.
        repeat_at = (now or timezone.now()) + timedelta(
            seconds=settings.FRONTEND_CACHE_REPEAT_SECONDS
        )
        PendingPurge.objects.filter(pk__in=first_time).update(
            sent_once=True, next_attempt_at=repeat_at + LEASE
        )
        _later(settings.FRONTEND_CACHE_REPEAT_SECONDS, first_time)
    logger.info(
        "Purged %s from the front cache in %.0f ms",
        "every page" if all_pages else ", ".join(paths),
        (time.monotonic() - started) * 1000,
    )
    return {"all"} if all_pages else set(paths)


def _purge(paths, all_pages):
    backend = configured_backend()
    if all_pages:
        backend.purge_all()
    else:
        backend.purge(paths)


def _pause_after(attempts):
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _send_unrecorded(paths, all_pages):
    try:
        _purge(paths, all_pages)
    except PurgeFailed as error:
        logger.error("Front-cache purge failed and cannot be retried: %s", error)


# --- The purge thread ---------------------------------------------------------------

_executor = None
# Rows recorded while the thread was busy go out together in its next call: one
# change may announce itself more than once (an article's save and its revision's).
_queued = []
_queued_lock = threading.Lock()


def _send_queued():
    with _queued_lock:
        ids = _queued[:]
        _queued.clear()
    if ids:
        send(ids)


def _later(seconds, ids):
    """Send these rows again in `seconds` on the purge thread (purge_front_cache does
    it instead if this process is gone by then: their lease runs out)."""
    if not settings.FRONTEND_CACHE_PURGE_IN_BACKGROUND:
        return  # tests call send() again themselves
    timer = threading.Timer(seconds, lambda: _in_background(send, ids))
    timer.daemon = True
    timer.start()


def _in_background(function, *args):
    """Run function(*args) on this process's one purge thread (in the calling
    thread when FRONTEND_CACHE_PURGE_IN_BACKGROUND is off, as in tests)."""
    global _executor
    if not settings.FRONTEND_CACHE_PURGE_IN_BACKGROUND:
        function(*args)
        return
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontcache-purge")
    _executor.submit(_logged, function, *args)


def _logged(function, *args):
    try:
        function(*args)
    except Exception:
        # The row stays; purge_front_cache retries it once its lease runs out.
        logger.exception("Front-cache purge thread failed")
    finally:
        connections.close_all()  # this thread's own database connections


def _forget_executor():
    global _executor, _queued_lock
    _executor = None
    _queued.clear()
    _queued_lock = threading.Lock()


# A worker forked from a master that had a thread must start its own.
os.register_at_fork(after_in_child=_forget_executor)
