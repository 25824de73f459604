"""Scheduled revisions of live articles go live at their moment, without a cron job.

A live article keeps its live revision until a scheduled one's go_live_at
(Wagtail's go_live_at on a revision). The switch is a write (the workflow's
publish_scheduled_revision, under the row lock, into the audit log), made by
the first request that reaches Django after the moment: the page cache lets
no page outlive the next scheduled moment (registered in
signals.py with pagecache.schedule), so that request comes before any reader sees a
page built from the old text. The publish_scheduled command does the same
from cron, for a site nobody visits.

So that a rebuilt page still costs one query (tests/test_query_counts.py),
the next moment is kept in the shared cache for RECHECK_SECONDS and forgotten
whenever a schedule changes, at once and again after commit. A process that
read the database just before a new schedule committed could keep an old
answer until RECHECK_SECONDS have passed: the bound on how late a switch can be.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Min
from django.utils import timezone

from .models import Article

logger = logging.getLogger(__name__)

NEXT_MOMENT_KEY = "articles:next-go-live:v1"
NOTHING_SCHEDULED = 0.0
RECHECK_SECONDS = 30


def next_go_live():
    """The earliest scheduled go-live moment as a timestamp, NOTHING_SCHEDULED if none."""
    moment = Article.objects.filter(scheduled_revision__isnull=False).aggregate(
        next=Min("go_live_at")
    )["next"]
    return moment.timestamp() if moment else NOTHING_SCHEDULED


def schedules_changed():
    """Call when a schedule is set, moved, cancelled or carried out."""
    _forget_next_moment()
    transaction.on_commit(_forget_next_moment)


def _forget_next_moment():
    _shared_cache(cache.delete, NEXT_MOMENT_KEY)


def _shared_cache(operation, *args):
    try:
        return operation(*args)
    except Exception:  # the shared cache is down: the database is asked instead
        logger.warning("Shared cache unavailable for scheduled publishing")
        return None


def publish_if_due(now=None):
    """Put every due scheduled revision live; cheap when nothing is due. With
    the database down it does nothing: the page then gets the outage page."""
    try:
        return _publish_if_due(now or timezone.now())
    except DatabaseError:
        logger.warning("Scheduled publishing skipped: database unavailable")
        return 0


def _publish_if_due(now):
    moment = _shared_cache(cache.get, NEXT_MOMENT_KEY)
    if moment is None:
        moment = next_go_live()
        _shared_cache(cache.set, NEXT_MOMENT_KEY, moment, RECHECK_SECONDS)
    if moment == NOTHING_SCHEDULED or moment > now.timestamp():
        return 0
    from .workflow import publish_due

    return publish_due(now)


class ScheduledPublishingMiddleware:
    """Before a page is built: carry out the schedules whose moment has come."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        publish_if_due()
        return self.get_response(request)
