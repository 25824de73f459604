from django.conf import settings

from articles.models import Article

from .origin import site_origin


def site(request):
    """What every page's shared parts need: the footer's site pages and the canonical URL."""
    footer_pages = (
        Article.objects.published().site_pages().select_related("live_revision").order_by("order")
    )
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": site_origin(request) + request.path,
        "footer_pages": footer_pages,
    }
