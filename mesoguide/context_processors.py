from django.conf import settings

from .footer import footer_links
from .origin import site_origin


def site(request):
    """What every page's shared parts need: the footer's site pages and the canonical URL."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": site_origin(request) + request.path,
        # The function itself: the template calls it only if it shows the footer,
        # which pages that keep their footer in the cache don't (article_page.py).
        "footer_links": footer_links,
    }
