"""RSS and Atom feeds of the guide's published articles, newest change first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: new and updated articles"
    description = "New and updated articles of the evidence-led guide to mesotherapy for cellulite."

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("feed_rss")

    def items(self):
        return (
            Article.objects.published()
            .guide_articles()
            .with_live_text()
            .order_by("-last_published_at", "pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.live_revision.title

    def item_description(self, item):
        return item.live_revision.summary

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.author.name if item.author else None

    def item_categories(self, item):
        return [item.topic.title] if item.topic else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return reverse("feed_atom")
