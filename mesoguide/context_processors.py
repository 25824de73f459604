from django.conf import settings

from .footer import footer_links


def site(request):
    """What every page's shared parts need: the footer's site pages and the canonical URL."""
    origin = settings.SITE_URL.rstrip("/") or f"{request.scheme}://{request.get_host()}"
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": origin + request.path,
        "footer_links": footer_links(),
    }
