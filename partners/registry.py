"""The partner register as pages read it: cached briefly, cleared whenever it changes.

Pages are marked when they are rendered, so a change to the register (or a
partner's dates coming round) shows on the next request without editing any
article. The cache holds every partner and the date rule is applied on each
read, so a partnership starts and ends on its own dates with no save needed.

`registry_changed` is sent (after the transaction commits) whenever a partner
is saved or deleted. Cached pages are refreshed by partners/signals.py, and a
front cache hears of it through pagecache's pages_changed (all_pages).
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import AffiliatePartner, PartnerState

CACHE_KEY = "partners:register"
# A safety net for changes that bypass model signals (queryset.update()).
CACHE_SECONDS = 300

registry_changed = Signal()
logger = logging.getLogger(__name__)


def all_partners():
    """Every partner, past, current and upcoming, by name."""
    try:
        partners = cache.get(CACHE_KEY)
    except Exception:  # pages must still render while the cache is away
        logger.warning("Cache unavailable: partner register read from the database", exc_info=True)
        return _from_database()
    if partners is None:
        partners = _from_database()
        cache.set(CACHE_KEY, partners, CACHE_SECONDS)
    return partners


def _from_database():
    return list(AffiliatePartner.objects.order_by("name", "pk"))


def partners_in_state(state, day=None):
    day = day or timezone.localdate()
    return [partner for partner in all_partners() if partner.state_on(day) == state]


def active_partners(day=None):
    """The partners whose links are paid links today."""
    return partners_in_state(PartnerState.ACTIVE, day)


def forget():
    """Drop the cached register; the next read loads it from the database."""
    cache.delete(CACHE_KEY)


def _announce_change():
    forget()  # again after commit: a request may have re-cached the old rows meanwhile
    registry_changed.send(sender=AffiliatePartner)


def partner_changed(sender, **kwargs):
    """Receiver for post_save and post_delete of AffiliatePartner (connected in apps.py)."""
    forget()
    transaction.on_commit(_announce_change)
