"""Each topic's first articles on the home page, as HTML cards.

A topic's list is kept with the home page's parts (views._home_guide) and
built again when its topic's pages are refreshed: after a publication in it,
one list of six cards. What a card shows comes from the list's one query, and
each process renders a card once for each set of those values: after a
publication it renders the card that changed, not six (bench/home_rebuilt.py).
The articles listed are decided on every build by Article.objects.published().
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from .compiled import MOMENT, CompiledQuery
from .models import Article, Kind, Revision

# Articles per topic on the home page; the topic page lists them all.
HOME_ARTICLES_PER_TOPIC = 6
# Everything a card shows (templates/_article_card.html), in this order.
CARD_FIELDS = (
    "pk",
    "slug",
    "last_published_at",
    "live_revision__title",
    "live_revision__summary",
    "live_revision__reading_minutes",
)


def first_articles(now, topic_id):
    """The topic's first published articles, one more than shown, as CARD_FIELDS rows."""
    return (
        Article.objects.published(now)
        .guide_articles()
        .filter(topic_id=topic_id)
        .in_guide_order()
        .values_list(*CARD_FIELDS)[: HOME_ARTICLES_PER_TOPIC + 1]
    )


# Compiled once per process: ~1 ms of CPU less per list built (bench/home_rebuilt.py).
_first_articles = CompiledQuery(first_articles, now=MOMENT, topic_id=-271828)


def topic_first_articles(topic):
    """{"cards": HTML, "has_more": bool} of the topic's first articles on the home page."""
    rows = _first_articles.rows(now=timezone.now(), topic_id=topic.pk)
    shown = rows[:HOME_ARTICLES_PER_TOPIC]
    language, time_zone = translation.get_language(), timezone.get_current_timezone_name()
    cards = mark_safe("".join(_card(row, language, time_zone) for row in shown))  # noqa: S308 (rendered cards)
    return {"cards": cards, "has_more": len(rows) > len(shown)}


@lru_cache(maxsize=4096)  # a few MB of cards at most
def _card(row, language, time_zone):
    """The card of one CARD_FIELDS row; the language and time zone name its dates."""
    pk, slug, last_published_at, title, summary, reading_minutes = row
    article = Article(pk=pk, slug=slug, kind=Kind.ARTICLE, last_published_at=last_published_at)
    article.live_revision = Revision(title=title, summary=summary, reading_minutes=reading_minutes)
    return render_to_string("_article_card.html", {"item": article, "heading_level": 3})


@receiver(setting_changed)
def _forget_cards(**kwargs):  # a card's dates follow settings (formats, time zone)
    _card.cache_clear()
