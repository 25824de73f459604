"""When pages change with no save at all: registered by the apps that own such changes.

A scheduled publication or unpublication comes due, a partnership starts or
ends on a given day: no write tells the page cache, so every stored page
expires by the next such moment (store.lifetime). Apps register a function
``upcoming(now) -> (moment or None, day or None)``: the next aware datetime at
which their pages change, and the next local date from whose midnight they do.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

_sources = []


def register(upcoming):
    """Add a source of upcoming changes (usable as a decorator); returns it."""
    if upcoming not in _sources:
        _sources.append(upcoming)
    return upcoming


def next_change_without_a_save(now):
    """(the next moment, the next day) over every registered source, each None if none."""
    moments, days = [], []
    for upcoming in _sources:
        moment, day = upcoming(now)
        if moment is not None:
            moments.append(moment)
        if day is not None:
            days.append(day)
    return min(moments, default=None), min(days, default=None)


def lifetime(max_seconds=None):
    """(seconds a page built now stays valid, local day from which it is stale or None)."""
    now = timezone.now()
    moment, day = next_change_without_a_save(now)
    seconds = settings.PAGE_CACHE_SECONDS if max_seconds is None else max_seconds
    if moment is not None:
        seconds = min(seconds, (moment - now).total_seconds())
    if day is not None:
        midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        seconds = min(seconds, (midnight - now).total_seconds())
    return int(seconds), day
