"""RSS and Atom feeds of the guide's published articles, newest change first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from mesoguide.characters import without_unstorable
from mesoguide.origin import absolute_url

from .models import Article

FEED_LENGTH = 20


def _xml_safe(value):
    if isinstance(value, str):
        return without_unstorable(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class _XmlSafe:
    """A feed stays valid XML whatever was stored: control characters saved before
    entrances refused them (mesoguide/characters.py) are dropped on the way out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{key: _xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{key: _xml_safe(value) for key, value in kwargs.items()})


class XmlSafeRssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class XmlSafeAtomFeed(_XmlSafe, Atom1Feed):
    pass


def _on_site(path):
    # Django's feeds put the request's host before relative links; SITE_URL
    # (required in production) is the only host links may name.
    return absolute_url(path) if settings.SITE_URL else path


class LatestArticlesFeed(Feed):
    feed_type = XmlSafeRssFeed
    title = f"{settings.SITE_NAME}: new and updated articles"
    description = "New and updated articles of the evidence-led guide to mesotherapy for cellulite."

    def link(self):
        return _on_site(reverse("home"))

    def feed_url(self):
        return _on_site(reverse("feed_rss"))

    def item_link(self, item):
        return _on_site(item.get_absolute_url())

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
    feed_type = XmlSafeAtomFeed
    subtitle = LatestArticlesFeed.description

    def feed_url(self):
        return _on_site(reverse("feed_atom"))
