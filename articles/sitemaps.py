"""sitemap.xml: the home page, topics with published articles, articles and site pages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.urls import reverse

from mesoguide.pagecache import cached_page

from .models import Article, Topic


def _published():
    return Article.objects.published()


class _SiteSitemap(Sitemap):
    """Absolute URLs on SITE_URL when it is set, like canonical links."""

    def get_protocol(self, protocol=None):
        return (
            urlsplit(settings.SITE_URL).scheme
            if settings.SITE_URL
            else super().get_protocol(protocol)
        )

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)


class HomeSitemap(_SiteSitemap):
    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return _published().aggregate(latest=Max("last_published_at"))["latest"]


class TopicSitemap(_SiteSitemap):
    def items(self):
        return (
            Topic.objects.filter(articles__in=_published().guide_articles())
            .annotate(latest=Max("articles__last_published_at"))
            .order_by("order", "slug")
        )

    def lastmod(self, topic):
        return topic.latest


class DocumentSitemap(_SiteSitemap):
    def __init__(self, documents):
        self.documents = documents

    def items(self):
        return self.documents().order_by("kind", "topic__order", "order", "slug")

    def lastmod(self, article):
        return article.last_published_at


SITEMAPS = {
    "home": HomeSitemap(),
    "topics": TopicSitemap(),
    "articles": DocumentSitemap(lambda: _published().guide_articles()),
    "pages": DocumentSitemap(lambda: _published().site_pages()),
}


@cached_page("sitemap")
def sitemap_xml(request):
    """The sitemap, kept in the page cache: listing thousands of articles takes a while."""
    return sitemap(request, sitemaps=SITEMAPS)
