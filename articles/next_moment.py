"""The next scheduled moment of the guide, kept in the shared cache for every request to check.

A moment is a scheduled revision's go-live, or a published document's
publish_at or unpublish_at after the last moment already announced
(scheduling.py applies and announces them). So that checking costs no query
on most requests, the next moment is kept in the shared cache for
RECHECK_SECONDS and forgotten whenever a schedule changes, at once and again
after commit. A process that read the database just before a new schedule
committed could keep an old answer until RECHECK_SECONDS have passed: the
bound on how late a switch can be. Each process also keeps the answer for
PAGE_CACHE_LOCAL_SECONDS (1 s in production), as it keeps pages, which saves
the round trip to the shared cache on most rebuilt pages.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q

from .models import Article, Status

logger = logging.getLogger(__name__)

NEXT_MOMENT_KEY = "articles:next-moment:v2"
# Timestamp up to which publish_at/unpublish_at moments have been announced.
ANNOUNCED_KEY = "articles:moments-announced-until:v1"
NOTHING_SCHEDULED = 0.0
RECHECK_SECONDS = 30


def next_moment(since):
    """The earliest go-live, or publish/unpublish moment after `since` (a timestamp),
    as a timestamp; NOTHING_SCHEDULED if none. One query."""
    from datetime import UTC, datetime

    after = datetime.fromtimestamp(since, tz=UTC)
    found = Article.objects.aggregate(
        go_live=Min("go_live_at", filter=Q(scheduled_revision__isnull=False)),
        publish=Min("publish_at", filter=Q(status=Status.PUBLISHED, publish_at__gt=after)),
        unpublish=Min("unpublish_at", filter=Q(status=Status.PUBLISHED, unpublish_at__gt=after)),
    )
    moments = [moment.timestamp() for moment in found.values() if moment is not None]
    return min(moments, default=NOTHING_SCHEDULED)


_kept_here = {}


def kept_here():
    """This process's copy of the next moment (NOTHING_SCHEDULED: none), if it is recent."""
    kept = _kept_here.get("moment")
    if kept is None or time.monotonic() - kept[1] > settings.PAGE_CACHE_LOCAL_SECONDS:
        return None
    moment = kept[0]
    return float("inf") if moment == NOTHING_SCHEDULED else moment


def keep_here(moment):
    if settings.PAGE_CACHE_LOCAL_SECONDS > 0:
        _kept_here["moment"] = (moment, time.monotonic())


def schedules_changed():
    """Call when a schedule is set, moved, cancelled or carried out."""
    forget_next_moment()
    transaction.on_commit(forget_next_moment)


def forget_next_moment():
    _kept_here.clear()
    shared_cache(cache.delete, NEXT_MOMENT_KEY)


def shared_cache(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except Exception:  # the shared cache is down: the database is asked instead
        logger.warning("Shared cache unavailable for scheduled publishing")
        return None
