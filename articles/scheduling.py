"""Scheduled moments are applied and announced when they come, without a cron job.

A live article keeps its live revision until a scheduled one's go_live_at
(Wagtail's go_live_at on a revision). The switch is a write (the workflow's
publish_scheduled_revision, under the row lock, into the audit log), made by
the first request that reaches Django after the moment: the page cache lets
no page outlive the next scheduled moment (registered in signals.py with
pagecache.schedule), so that request comes before any reader sees a page
built from the old text. The publish_scheduled command does the same from
cron, for a site nobody visits.

A document's publish_at and unpublish_at need no write: published() decides
by the clock. But a front cache must hear of them, so the same request (or
command) refreshes the pages of every document whose publish_at or
unpublish_at passed since the last such announcement (pagecache's
pages_changed). Checking is cheap: the next moment is kept in the shared
cache (next_moment.py).
"""

import logging
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from . import next_moment as moments
from .models import Article, Status
from .signals import refresh_article
from .workflow import publish_due

logger = logging.getLogger(__name__)

_ANNOUNCING_KEY = "articles:announcing-moments:v1"


def publish_if_due(now=None):
    """Apply every due scheduled moment; cheap when nothing is due. With the
    database down it does nothing: the page then gets the outage page."""
    try:
        return _apply_due(now or timezone.now())
    except DatabaseError:
        logger.warning("Scheduled publishing skipped: database unavailable")
        return 0


def _apply_due(now):
    kept = moments.kept_here()
    if kept is not None and kept > now.timestamp():
        return 0
    found = moments.shared_cache(cache.get_many, [moments.NEXT_MOMENT_KEY, moments.ANNOUNCED_KEY])
    found = found or {}
    since = found.get(moments.ANNOUNCED_KEY)
    if since is None:
        # Nothing announced yet (or the cache lost it): start from now; pages
        # themselves never outlive a moment, only a front cache may hear late.
        since = now.timestamp()
        moments.shared_cache(cache.add, moments.ANNOUNCED_KEY, since, timeout=None)
    moment = found.get(moments.NEXT_MOMENT_KEY)
    if moment is None:
        moment = moments.next_moment(since)
        moments.shared_cache(cache.set, moments.NEXT_MOMENT_KEY, moment, moments.RECHECK_SECONDS)
    if moment == moments.NOTHING_SCHEDULED or moment > now.timestamp():
        moments.keep_here(moment)
        return 0
    went_live = publish_due(now)
    announce_visibility_moments(since, now)
    return went_live


def announce_visibility_moments(since, now):
    """Refresh the pages of documents whose publish_at or unpublish_at is in
    (since, now] (timestamps / aware datetime), once across all processes."""
    if moments.shared_cache(cache.add, _ANNOUNCING_KEY, 1, timeout=30) is False:
        return  # another process is announcing them
    try:
        after = datetime.fromtimestamp(since, tz=UTC)
        reached = Article.objects.filter(status=Status.PUBLISHED).filter(
            Q(publish_at__gt=after, publish_at__lte=now)
            | Q(unpublish_at__gt=after, unpublish_at__lte=now)
        )
        for article in reached.select_related("topic", "author"):
            refresh_article(article)
        moments.shared_cache(cache.set, moments.ANNOUNCED_KEY, now.timestamp(), timeout=None)
        moments.forget_next_moment()
    finally:
        moments.shared_cache(cache.delete, _ANNOUNCING_KEY)


class ScheduledPublishingMiddleware:
    """Before a page is built: carry out the schedules whose moment has come."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        publish_if_due()
        return self.get_response(request)
