"""A ceiling on public POSTs (comments, newsletter sign-ups ...) per client.

Every POST outside the admin counts against its client address in the shared
cache, a fixed window of PUBLIC_POST_WINDOW seconds allowing PUBLIC_POST_LIMIT
posts; over it the client gets the 429 page with Retry-After. It sits before
the CSRF check, so rejected floods are counted too. Individual forms add their
own, tighter limits on top. Admin logins are throttled by django-axes, and the
rest of the admin needs a staff login.

If the cache is unreachable the limit is not enforced (logged): an outage of
the cache must not stop readers from posting.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from .client_ip import client_ip
from .errors import too_many_requests

logger = logging.getLogger(__name__)


def _count_post(address, window):
    """This client's number of posts in the current window, this one included."""
    key = f"post-limit:{address}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


class PublicPostLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if request.method == "POST" and not self._is_admin(request):
            window = settings.PUBLIC_POST_WINDOW
            try:
                count = _count_post(client_ip(request), window)
            except Exception:
                logger.warning("Public POST limit not enforced: cache error", exc_info=True)
                count = 0
            if count > settings.PUBLIC_POST_LIMIT:
                retry_after = window - int(time.time() % window)
                return too_many_requests(retry_after)
        return self.get_response(request)

    def _is_admin(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return request.path_info.startswith(self.admin_prefix)
