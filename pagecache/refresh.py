"""Refreshing cached pages: apps name the URL paths their change touched.

Every stored page carries the versions of its own path and of EVERY_PAGE it
was built under and is served only while both are unchanged (store.py).
Refreshing a path writes it a new version, so every page at that path (each
``?page=N`` of a list too) is rebuilt on its next request; ``all_pages``
writes EVERY_PAGE's.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from mesoguide.redis_cache import cache_returned
from mesoguide.release import release

from .signals import pages_changed
from .store import EVERY_PAGE, local_copies, write_new_versions

logger = logging.getLogger(__name__)


def refresh(paths=(), *, all_pages=False):
    """Rebuild the cached pages at these URL paths (every page with all_pages)
    on their next request, and announce it with pages_changed.

    Done at once and again after the current transaction commits, so a page
    rebuilt meanwhile from not-yet-committed data cannot outlive the change;
    pages_changed is sent only after the commit. A cache error is logged,
    never raised: publishing must not fail on it.
    """
    paths = frozenset(paths)
    groups = [EVERY_PAGE] if all_pages else sorted(paths)
    if not groups:
        return
    _renew(groups)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: (_renew(groups), _announce(paths, all_pages)))
    else:
        _announce(paths, all_pages)


def refresh_every_page():
    refresh(all_pages=True)


def _renew(groups):
    write_new_versions(groups)
    local_copies.forget()


def _announce(paths, all_pages):
    for receiver_, error in pages_changed.send_robust(
        sender=refresh, paths=paths, all_pages=all_pages
    ):
        if isinstance(error, Exception):
            logger.error("pages_changed receiver %r failed", receiver_, exc_info=error)


_release_seen = set()


def announce_release():
    """The first time any app server runs a new release, announce that every page
    changed (its pages link to the new release's static files). Cheap after the
    first call in a process."""
    running = release()
    if running in _release_seen:
        return
    try:
        first = cache.add(f"page-release-announced:{running}", 1, timeout=None)
    except Exception:
        logger.warning("Could not check whether the release was announced", exc_info=True)
        return
    _release_seen.add(running)
    if first:
        _announce(frozenset(), True)


@receiver(cache_returned, dispatch_uid="pagecache-cache-returned")
def _cache_returned(sender, **kwargs):
    # Refreshes dropped while the cache was away may have left stale pages in it.
    refresh_every_page()
