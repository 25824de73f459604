"""Site search over the live text of published articles and pages.

On PostgreSQL: full-text search with the title weighted above the summary and
body, ranked, with highlighted snippets, backed by a GIN index (migration
0003). On SQLite (development): every word must appear somewhere, with a plain
excerpt. Both search only Article.objects.published() live revisions.
"""

import html
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, Func, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from mesoguide.characters import is_invisible, without_unstorable

from .models import Article, Revision

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
SNIPPET_CHARS = 220
CONFIG = "english"
# Markers the database puts around matched words; turned into <mark> after escaping.
MARK_START, MARK_END = "\x02", "\x03"
# A footnote reference as the renderer writes it; character classes only, so it
# means the same in Python and PostgreSQL regular expressions.
FOOTNOTE_MARK = r"<sup[^>]*><a[^>]*>[^<]*</a></sup>"


class QueryProblem:
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"


def clean_query(raw):
    """(query, problem): the query with whitespace tidied, or why it cannot be searched.

    Any text is accepted: control and invisible characters are dropped (PostgreSQL
    refuses NUL), and a query over MAX_QUERY_LENGTH characters is cut at a word
    boundary and searched, with problem TOO_LONG so the page can say so.
    """
    raw = (raw or "")[: MAX_QUERY_LENGTH * 4]  # bounds the work on a huge parameter
    visible = "".join(c for c in raw if c.isspace() or not is_invisible(c))
    query = " ".join(without_unstorable(visible).split())
    if not query:
        return "", QueryProblem.EMPTY
    if len(query) > MAX_QUERY_LENGTH:
        cut = query[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0] or query[:MAX_QUERY_LENGTH]
        query = cut[:MAX_QUERY_LENGTH]
        return query, QueryProblem.TOO_LONG if re.search(r"\w", query) else QueryProblem.NO_WORDS
    if not re.search(r"\w", query):
        return query, QueryProblem.NO_WORDS
    return query, None


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    summary: str
    snippet: str  # safe HTML


def _live_revisions():
    live = Article.objects.published().filter(live_revision__isnull=False)
    return Revision.objects.filter(pk__in=live.values("live_revision")).select_related(
        "article", "article__topic"
    )


def search(query):
    """A queryset of matching live revisions, best first, ready for a Paginator."""
    if connection.vendor == "postgresql":
        return _postgres_search(query)
    return _simple_search(query)


def results(revisions, query):
    """One page of matching revisions as Results, each with a safe snippet."""
    postgres = connection.vendor == "postgresql"
    return [
        Result(
            title=r.title,
            url=r.article.get_absolute_url(),
            summary=r.summary,
            snippet=_highlighted(r.snippet) if postgres else escape(_excerpt(r, query)),
        )
        for r in revisions
    ]


# --- PostgreSQL ------------------------------------------------------------------


def search_vector():
    """The weighted document vector; the GIN index in migration 0003 is built on the same expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "summary", "body_html", weight="B", config=CONFIG
    )


def _without_footnote_marks(field):
    # Footnote numbers (<sup>…</sup>) would read as part of the words they follow.
    return Func(F(field), Value(FOOTNOTE_MARK), Value(""), Value("g"), function="regexp_replace")


def _postgres_search(query):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    vector = search_vector()
    return (
        _live_revisions()
        .annotate(document=vector)
        .filter(document=search_query)
        .annotate(
            rank=SearchRank(vector, search_query),
            snippet=SearchHeadline(
                _without_footnote_marks("body_html"),
                search_query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "pk")
    )


def _plain_text(html_fragment):
    # Footnote numbers would read as part of the words they follow.
    without_notes = re.sub(FOOTNOTE_MARK, "", html_fragment)
    return " ".join(html.unescape(strip_tags(without_notes)).split())


def _highlighted(snippet):
    text = escape(_plain_text(snippet or ""))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308 (escaped above)


# --- SQLite and others -----------------------------------------------------------


def _words(query):
    return re.findall(r"\w+", query)[:MAX_WORDS]


def _simple_search(query):
    words = _words(query)
    revisions = _live_revisions()
    for word in words:
        revisions = revisions.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    title_hits = sum(
        (Case(When(title__icontains=w, then=Value(1)), default=Value(0)) for w in words),
        Value(0),
    )
    return revisions.annotate(title_hits=title_hits).order_by("-title_hits", "pk")


def _excerpt(revision, query):
    text = _plain_text(revision.body_html)
    lowered = text.lower()
    positions = [lowered.find(w.lower()) for w in _words(query)]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    excerpt = text[start : start + SNIPPET_CHARS]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_CHARS < len(text) else ""
    return prefix + excerpt + suffix
