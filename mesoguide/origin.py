"""The site's public origin, for absolute links in canonical tags, feeds, JSON-LD and e-mails."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port


def site_origin(request=None):
    """SITE_URL when set, else the origin the request came in on (its host is checked by ALLOWED_HOSTS)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is None:
        raise ImproperlyConfigured("SITE_URL must be set to build links outside a request.")
    return f"{request.scheme}://{canonical_host(request)}"


def canonical_host(request):
    """The request's host (checked by ALLOWED_HOSTS) in one spelling: lower case,
    no trailing dot, the port only when it isn't the scheme's own."""
    domain, port = split_domain_port(request.get_host())
    port = int(port or 0)
    if port in (0, 443 if request.is_secure() else 80):
        return domain
    return f"{domain}:{port}"


def absolute_url(path, request=None):
    return site_origin(request) + path
