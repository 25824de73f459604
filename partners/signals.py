"""What a change to the partner register refreshes in the page cache.

The register decides which links are marked as paid anywhere in the guide:
every page is refreshed. It changes rarely, and working out which articles
mention a partner would be a second copy of the marking rules (marking.py).
A partnership also starts and ends on its own dates with no save: those days
are registered with the page cache (pagecache.schedule).
"""

from datetime import timedelta

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from mesoguide.redis_cache import cache_returned
from pagecache import schedule
from pagecache.refresh import refresh_every_page

from . import registry
from .models import AffiliatePartner


@receiver(post_save, sender=AffiliatePartner, dispatch_uid="pagecache-partner-saved")
@receiver(post_delete, sender=AffiliatePartner, dispatch_uid="pagecache-partner-deleted")
def _partner_changed(sender, raw=False, **kwargs):
    if not raw:
        refresh_every_page()


@receiver(cache_returned, dispatch_uid="partners-cache-returned")
def _cache_returned(sender, **kwargs):
    # A forgetting dropped while the cache was away may have left an old register in it.
    registry.forget()


@schedule.register
def next_partnership_day(now):
    """(None, the next local day a partnership starts or ends, or None)."""
    # A partner is active from active_from through active_until (state_on),
    # so its links change on those two days' midnights.
    today = timezone.localdate()
    days = [
        day
        for partner in registry.all_partners()
        for day in (
            partner.active_from,
            partner.active_until and partner.active_until + timedelta(days=1),
        )
        if day and day > today
    ]
    return None, min(days, default=None)
