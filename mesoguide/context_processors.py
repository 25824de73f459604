from django.conf import settings

from .origin import site_origin


def site(request):
    """What every page's shared parts need: the site's name and the canonical URL."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": site_origin(request) + request.path,
    }
