"""The article list's search: titles, summaries and text of the live version
and of the latest draft, not only the address and title.

Bounded work: the query is cleaned and cut like the readers' search
(search.clean_query, at most MAX_WORDS words). The live text is looked up in
the search index (SearchEntry: on PostgreSQL its GIN-indexed document vector;
elsewhere one row per published document); other text is read only from each
article's latest revision where the index does not hold it, so old revisions
are never scanned.
"""

from django.db import connection
from django.db.models import F, Q

from .search import MAX_WORDS, clean_query
from .search_index import CONFIG, SearchEntry


def _words(query):
    import re

    return re.findall(r"\w+", query)[:MAX_WORDS]


def _live_matches(query, words):
    entries = SearchEntry.objects.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return entries.filter(document=SearchQuery(query, search_type="websearch", config=CONFIG))
    for word in words:
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(headings__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
        )
    return entries


def _field_matches(prefix, words):
    condition = Q()
    for word in words:
        condition &= (
            Q(**{f"{prefix}title__icontains": word})
            | Q(**{f"{prefix}summary__icontains": word})
            | Q(**{f"{prefix}body__icontains": word})
        )
    return condition


def search_articles(queryset, raw_query):
    """`queryset` narrowed to articles whose address, live text or latest draft
    has every word of the query; unchanged for an empty query."""
    query, _problem = clean_query(raw_query)
    words = _words(query)
    if not words:
        return queryset
    live = _live_matches(query, words).values("article_id")
    address = Q()
    for word in words:
        address &= Q(slug__icontains=word)
    # The latest revision, where the index does not already hold it: a draft
    # newer than the live text, or an article not on the site (never published,
    # unpublished, archived), whose latest revision is its text.
    not_indexed = Q(search_entry__isnull=True) | ~Q(latest_revision=F("live_revision"))
    draft = _field_matches("latest_revision__", words) & not_indexed
    return queryset.filter(Q(pk__in=live) | draft | address)
