"""sitemap.xml: an index of sections (home, topics, articles, site pages), each
paged at PAGE_SIZE URLs so every file stays small and quick with 10,000 articles."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse

from mesoguide.origin import absolute_url
from pagecache.decorators import cached_page

from .models import Article, Topic


def _published():
    return Article.objects.published()


PAGE_SIZE = 1000


class _SiteSitemap(Sitemap):
    """Absolute URLs on SITE_URL when it is set, like canonical links."""

    limit = PAGE_SIZE

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
        # Only what a <url> entry needs: the texts stay in the database.
        return (
            self.documents()
            .only("kind", "slug", "last_published_at")
            .order_by("kind", "topic__order", "order", "slug")
        )

    def lastmod(self, article):
        return article.last_published_at

    def get_latest_lastmod(self):
        # Django's default walks every item; the database answers in one query.
        return self.documents().aggregate(latest=Max("last_published_at"))["latest"]


SITEMAPS = {
    "home": HomeSitemap(),
    "topics": TopicSitemap(),
    "articles": DocumentSitemap(lambda: _published().guide_articles()),
    "pages": DocumentSitemap(lambda: _published().site_pages()),
}


@cached_page()
@sitemap_views.x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: the list of section files on the site's public origin, page-cached."""
    files = []
    for section, site in SITEMAPS.items():
        location = absolute_url(reverse("sitemap-section", args=[section]), request)
        files.append(sitemap_views.SitemapIndexItem(location, site.get_latest_lastmod()))
        files += [
            sitemap_views.SitemapIndexItem(f"{location}?p={page}")
            for page in range(2, site.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": files}, content_type="application/xml"
    )


@cached_page(query_params=["p"])
def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of one section, kept in the page cache."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
