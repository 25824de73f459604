"""The site's public origin, for absolute links in canonical tags, feeds, JSON-LD and e-mails."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_origin(request=None):
    """SITE_URL when set, else the origin the request came in on (its host is checked by ALLOWED_HOSTS)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is None:
        raise ImproperlyConfigured("SITE_URL must be set to build links outside a request.")
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(path, request=None):
    return site_origin(request) + path
