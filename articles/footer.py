"""The footer's links to the site pages, kept in the shared cache.

Every page shows them and they rarely change, so one query serves them all
until a site page changes (signals.py forgets them) or a scheduled
publication or unpublication comes due.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from pagecache.schedule import next_change_without_a_save

from .models import Article, Kind

logger = logging.getLogger(__name__)

CACHE_KEY = "footer-links"
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class FooterLink:
    url: str
    title: str


def footer_links():
    try:
        links = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("Cache unavailable: footer links read from the database", exc_info=True)
        return _published_links()
    if links is None:
        links = _published_links()
        lifetime = _lifetime()
        if lifetime > 0:
            cache.set(CACHE_KEY, links, lifetime)
    return links


def forget():
    """Drop the cached links, now and again after the current transaction commits."""
    _delete()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_delete)


def _published_links():
    pages = Article.objects.published().site_pages().order_by("order", "slug")
    return [
        FooterLink(url=Article(kind=Kind.PAGE, slug=slug).get_absolute_url(), title=title)
        for slug, title in pages.values_list("slug", "live_revision__title")
    ]


def _lifetime():
    now = timezone.now()
    moment, _partner_day = next_change_without_a_save(now)
    if moment is None:
        return CACHE_SECONDS
    return min(CACHE_SECONDS, int((moment - now).total_seconds()))


def _delete():
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.error("Could not forget the footer links", exc_info=True)
