"""Parts of pages kept in the shared cache under the same rule as whole pages.

A KeptPart belongs to URL paths (its groups); it stays valid while the
versions of those paths and of EVERY_PAGE are unchanged and no scheduled
change is due, so the refresh that renews those pages renews it too.
"""

import contextvars
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

from . import store
from .schedule import lifetime

logger = logging.getLogger(__name__)

# While a batch builds its parts: the parts it will store, to which batches nested
# in those builds add theirs. One lifetime is worked out (the next scheduled
# change: a query) and one round trip stores them all; the home page rebuilt
# after a publication stores its own part and its topic's list (bench/home_rebuilt.py).
_to_store_with = contextvars.ContextVar("parts_to_store_with", default=None)


@dataclass(frozen=True)
class KeptPart:
    key: str
    groups: tuple  # URL paths; () for parts of every page
    build: object  # a callable returning the value, called when it isn't kept


def kept_together_like_pages(parts, max_seconds, also_read=()):
    """{key: value} of several KeptParts, kept at most max_seconds, read in a single
    round trip to the shared cache; only the parts not found are built. Like pages,
    each process also keeps the parts it just used for PAGE_CACHE_LOCAL_SECONDS.
    Works whether the page cache itself is on or not. The parts built by batches
    called while this one builds a part are stored with this batch's.

    The cache keys in also_read are read in the same round trip, as they are (None
    when absent or when the cache is unavailable)."""
    values = {}
    # A page about to be stored under the versions its request read must not take
    # a copy this process kept before that read: it may predate a refresh.
    not_before = store.page_versions_read_at.get()
    for part in parts:
        entry = store.local_copies.get(part.key, not_before)
        if entry is not None and store.is_fresh(entry):
            values[part.key] = entry["value"]
    to_read = [part for part in parts if part.key not in values]
    if not to_read and not also_read:
        return values
    groups = list(dict.fromkeys(g for part in to_read for g in (store.EVERY_PAGE, *part.groups)))
    try:
        found = cache.get_many(
            [part.key for part in to_read]
            + [store.VERSION_PREFIX + group for group in groups]
            + list(also_read)
        )
        versions = dict(zip(groups, store.versions(groups, found), strict=True))
    except Exception:
        logger.warning("Cache unavailable: parts built afresh", exc_info=True)
        built = {part.key: part.build() for part in to_read}
        return values | built | dict.fromkeys(also_read)
    values.update((key, found.get(key)) for key in also_read)
    enclosing = _to_store_with.get()
    to_store = [] if enclosing is None else enclosing
    token = _to_store_with.set(to_store) if enclosing is None else None
    try:
        for part in to_read:
            part_versions = tuple(versions[g] for g in (store.EVERY_PAGE, *part.groups))
            entry = found.get(part.key)
            if entry and entry["versions"] == part_versions and store.is_fresh(entry):
                values[part.key] = entry["value"]
                store.local_copies.keep(part.key, entry)
            else:
                values[part.key] = part.build()
                to_store.append((part.key, values[part.key], part_versions, max_seconds))
    finally:
        if token is not None:
            _to_store_with.reset(token)
    if token is not None and to_store:
        _store_parts(to_store)
    return values


def _store_parts(to_store):
    """Store (key, value, versions, max_seconds) entries in one round trip."""
    # The shortest max_seconds for all: a part may be rebuilt sooner, never kept longer.
    seconds, stale_on_day = lifetime(min(max_seconds for *_, max_seconds in to_store))
    if seconds <= 0:
        return
    expires_at = time.time() + seconds
    entries = {
        key: {
            "value": value,
            "versions": part_versions,
            "expires_at": expires_at,
            "stale_on_day": stale_on_day,
        }
        for key, value, part_versions, _max_seconds in to_store
    }
    try:
        cache.set_many(entries, timeout=seconds + 1)
    except Exception:
        logger.warning("Cache unavailable: %s not stored", ", ".join(entries), exc_info=True)
        return
    for key, entry in entries.items():
        store.local_copies.keep(key, entry)
