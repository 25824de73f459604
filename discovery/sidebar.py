"""The "more to read" sidebar beside an article, kept in the shared cache.

Its links take three queries to find (the editors' related choices, the topic's
other articles, the editors' picks) and change far less often than pages are
built. They are kept exactly as long as the article's cached page would be
(pagecache.kept_like_pages): cache_invalidation.py refreshes an article's pages
whenever its sidebar may change, and a scheduled publication coming due makes
them stale. Visibility is still decided by the published() queryset alone.
"""

from dataclasses import dataclass

from mesoguide.pagecache import kept_like_pages, page_group

from . import queries

KEEP_SECONDS = 3600


@dataclass(frozen=True)
class SidebarLink:
    url: str
    title: str


@dataclass(frozen=True)
class MoreToRead:
    related: tuple
    picks: tuple


def more_to_read(article):
    return kept_like_pages(
        f"more-to-read:v1:{article.pk}",
        [page_group("article", article.slug)],
        lambda: _links(article),
        KEEP_SECONDS,
    )


def _links(article):
    def links(articles):
        return tuple(SidebarLink(a.get_absolute_url(), a.live_revision.title) for a in articles)

    return MoreToRead(
        related=links(queries.related_articles(article)),
        picks=links(queries.editors_picks(exclude=article)),
    )
