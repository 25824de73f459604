"""Per-client rate limits (public POSTs, searches), counted in the shared cache.

A fixed window per client and scope: the first hit in a window creates the
counter with the window as its lifetime, later hits increment it atomically
(Redis INCR), so the limit holds across several app servers.

While the shared cache can't be reached (mesoguide/redis_cache.py answers every
call as a miss), each process counts in its own memory instead, so a limit
still holds per process rather than not at all. That memory is bounded: it is
emptied when it holds LOCAL_KEYS_KEPT counters.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCAL_KEYS_KEPT = 4096
# Counters of this process, used while the shared cache is away: {key: count}.
_counted_here = {}
_counted_here_lock = threading.Lock()


def client_ip(request):
    """Who "a client" is, for every per-address limit (and django-axes' records)."""
    return address_or_none(request) or "unknown"


def address_or_none(request):
    """The client's address; None when there is none (django-axes stores it as an IP).

    Behind proxies, mesoguide/client_ip.py sets REMOTE_ADDR from the trusted
    forwarding header (NUM_PROXIES) before this runs. An IPv6 client usually
    holds a whole /64, so that network (its first address) is one client."""
    address = request.META.get("REMOTE_ADDR") or None
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if parsed.version == 6 and not parsed.ipv4_mapped:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    per_seconds: int

    def _key(self, identity):
        window = int(time.time() // self.per_seconds)
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{window}"

    def hit(self, identity):
        """Count one attempt by `identity`; False once it is over the limit in this window."""
        key = self._key(identity)
        try:
            if _shared_cache_available():
                if cache.add(key, 1, timeout=self.per_seconds):
                    return True
                try:
                    return cache.incr(key) <= self.limit
                except ValueError:  # the window ended between add and incr, or the cache left
                    if cache.add(key, 1, timeout=self.per_seconds):
                        return True
        except Exception:  # a cache backend that raises rather than failing soft
            logger.warning("Rate limit %s counted in this process: cache error", self.scope)
        return self._hit_here(key)

    def _hit_here(self, key):
        with _counted_here_lock:
            if len(_counted_here) >= LOCAL_KEYS_KEPT:
                _counted_here.clear()
            count = _counted_here[key] = _counted_here.get(key, 0) + 1
        return count <= self.limit

    def hit_by_client(self, request):
        return self.hit(client_ip(request))

    @property
    def wait_minutes(self):
        return max(1, round(self.per_seconds / 60))


def _shared_cache_available():
    is_available = getattr(cache, "is_available", None)  # FailSoftRedisCache
    return is_available is None or is_available()
