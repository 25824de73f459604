"""Who the client is, and whether it came over HTTPS, when the site runs behind proxies.

X-Forwarded-For can be written by anyone, so it is trusted only as far as the
operator says: with NUM_PROXIES = n, each of the n proxies in front of the app
appended the address it received the request from, and the client is the
n-th address from the right. With 0 (the default) the header is ignored.
Everything that needs the client's address (rate limits in ratelimit.py,
login throttling by django-axes) reads REMOTE_ADDR after this middleware.

HTTPS. Only X-Forwarded-Proto decides it (SECURE_PROXY_SSL_HEADER), and only
when it comes from one of the proxies in FORWARDED_ALLOW_IPS (gunicorn, which
sets the scheme itself, reads the same list) holding exactly one value: Django
would read `https, http` as HTTPS (it takes the first), so any other value, or
the header from anyone else, counts as plain HTTP.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _proxy_networks(allowed):
    if "*" in allowed:
        return None
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed if entry.strip()]


def is_configured_proxy(address):
    """Whether `address` (the connection's) is one of FORWARDED_ALLOW_IPS."""
    networks = _proxy_networks(tuple(settings.FORWARDED_ALLOW_IPS))
    if networks is None:
        return True
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(parsed in network for network in networks)


class ProxiedClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SECURE_PROXY_SSL_HEADER:
            name, secure = settings.SECURE_PROXY_SSL_HEADER
            value = request.META.get(name)
            if value is not None and (
                value.strip() != secure or not is_configured_proxy(request.META.get("REMOTE_ADDR"))
            ):
                request.META[name] = "http"
        proxies = settings.NUM_PROXIES
        if proxies:
            forwarded = [
                address.strip()
                for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if address.strip()
            ]
            if len(forwarded) >= proxies:
                request.META["REMOTE_ADDR"] = forwarded[-proxies]
        return self.get_response(request)
