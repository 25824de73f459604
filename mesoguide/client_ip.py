"""Who the client is, when the site runs behind proxies.

X-Forwarded-For can be written by anyone, so it is trusted only as far as the
operator says: with NUM_PROXIES = n, each of the n proxies in front of the app
appended the address it received the request from, and the client is the
n-th address from the right. With 0 (the default) the header is ignored.
Everything that needs the client's address (rate limits in ratelimit.py,
login throttling by django-axes) reads REMOTE_ADDR after this middleware.
"""

from django.conf import settings


class ProxiedClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
