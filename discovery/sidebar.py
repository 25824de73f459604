"""The "more to read" sidebar beside an article: the editors' related choices,
the topic's other articles, then the editors' picks.

It takes three queries, so it is not built on every request: the article page
keeps it as one of its cached parts (articles/article_page.py), refreshed
whenever the article's page is refreshed (articles/signals.py, discovery/signals.py). Visibility is
still decided by the published() queryset alone.
"""

from dataclasses import dataclass

from . import queries


@dataclass(frozen=True)
class SidebarLink:
    url: str
    title: str


@dataclass(frozen=True)
class MoreToRead:
    related: tuple
    picks: tuple


def more_to_read(article):
    def links(articles):
        return tuple(SidebarLink(a.get_absolute_url(), a.live_revision.title) for a in articles)

    return MoreToRead(
        related=links(queries.related_articles(article)),
        picks=links(queries.editors_picks(exclude=article)),
    )
