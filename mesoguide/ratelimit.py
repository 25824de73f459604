"""Per-client rate limits for public POSTs, counted in the shared cache.

A fixed window per client and scope: the first hit in a window creates the
counter with the window as its lifetime, later hits increment it atomically
(Redis INCR), so the limit holds across several app servers.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.core.cache import cache


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
        if cache.add(key, 1, timeout=self.per_seconds):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.add(key, 1, timeout=self.per_seconds)
            return True
        return count <= self.limit

    def hit_by_client(self, request):
        return self.hit(client_ip(request))

    @property
    def wait_minutes(self):
        return max(1, round(self.per_seconds / 60))
