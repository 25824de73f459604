"""A ceiling on public POSTs (comments, newsletter sign-ups ...) per client.

Every POST outside the admin counts against its client address in the shared
cache (mesoguide/ratelimit.py): at most PUBLIC_POST_LIMIT posts per
PUBLIC_POST_WINDOW seconds; over it the client gets the 429 page with
Retry-After. It sits before the CSRF check, so rejected floods are counted
too. Each form adds its own, tighter limit on top (discussion/forms.py,
newsletter/subscriptions.py). Admin login attempts count too (django-axes
also locks a user name after repeated failures from one address); the rest of
the admin needs a staff login and is not counted.

While the cache is unreachable each process counts on its own (ratelimit.py):
the limit still holds per process, and an outage never stops readers posting.
"""

import logging
import time

from django.conf import settings
from django.urls import reverse

from .errors import too_many_requests
from .ratelimit import RateLimit

logger = logging.getLogger(__name__)


class PublicPostLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = self.login_path = None

    def __call__(self, request):
        if request.method == "POST" and not self._is_staff_work(request):
            window = settings.PUBLIC_POST_WINDOW
            limit = RateLimit("public-post", settings.PUBLIC_POST_LIMIT, window)
            if not limit.hit_by_client(request):
                return too_many_requests(retry_after=window - int(time.time() % window))
        return self.get_response(request)

    def _is_staff_work(self, request):
        if self.admin_prefix is None:
            self.admin_prefix, self.login_path = reverse("admin:index"), reverse("admin:login")
        path = request.path_info
        return path.startswith(self.admin_prefix) and path != self.login_path
