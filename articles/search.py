"""Site search over the live text of published articles and pages.

On PostgreSQL: full-text search backed by a GIN index (migration 0003), ranked
with the title above the headings, the headings above the summary and the
summary above the body. On SQLite (development): every word must appear
somewhere, ranked the same way by plain counting. Both search only
Article.objects.published() live revisions, and both show a snippet from the
section that matched best, cut at word boundaries, with the matches in <mark>.
"""

import html
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length, Lower, Replace
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from mesoguide.characters import is_invisible, without_unstorable

from .models import Article, Revision

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
SNIPPET_CHARS = 220
CONFIG = "english"
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
    snippet: str  # safe HTML, the matched words in <mark>
    section: str = ""  # the heading of the part of the text that matched, if any
    section_url: str = ""


def _live_revisions():
    live = Article.objects.published().filter(live_revision__isnull=False)
    return Revision.objects.filter(pk__in=live.values("live_revision")).select_related(
        "article", "article__topic"
    )


def search(query):
    """A queryset of matching live revisions, best first, ready for a Paginator.

    Ranked by where the words are: the title counts most, then the headings (the
    table of contents), then the summary, then the body."""
    if connection.vendor == "postgresql":
        return _postgres_search(query)
    return _simple_search(query)


def results(revisions, query):
    """One page of matching revisions as Results: a snippet from the section that
    matched best, cut at word boundaries, with the matched words marked."""
    pattern = _word_pattern(query)
    found = []
    for r in revisions:
        url = r.article.get_absolute_url()
        heading, anchor, text = _best_section(r.body_html, pattern)
        found.append(
            Result(
                title=r.title,
                url=url,
                summary=r.summary,
                snippet=_snippet(text, pattern),
                section=heading,
                section_url=f"{url}#{anchor}" if anchor else "",
            )
        )
    return found


# --- Snippets: the best-matching section, whole words, matches marked -------------

SECTION_HEADING = re.compile(r"<h([23])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.DOTALL)
FOOTNOTES = '<div class="footnote"'
# Endings taken off a query word so that "bruising" also finds "bruise" and "bruises".
ENDINGS = ("ing", "es", "ed", "s")


def _stem(word):
    word = word.lower()
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _word_pattern(query):
    stems = sorted({_stem(w) for w in _words(query)}, key=len, reverse=True)
    if not stems:
        return None
    alternatives = "|".join(re.escape(stem) for stem in stems)
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def _sections(body_html):
    """(heading, anchor, plain text) of the text before the first heading and of each
    section under an h2 or h3; the sources (footnotes) are left out."""
    body_html = body_html.split(FOOTNOTES, 1)[0]
    headings = list(SECTION_HEADING.finditer(body_html))
    first = headings[0].start() if headings else len(body_html)
    yield "", "", _plain_text(body_html[:first])
    for i, h in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body_html)
        yield _plain_text(h.group(3)), h.group(2), _plain_text(body_html[h.end() : end])


def _best_section(body_html, pattern):
    """The section whose heading matches, else the one with the most matches."""
    best, best_score = ("", "", ""), (-1, -1)
    for heading, anchor, text in _sections(body_html):
        if not text:
            continue
        if pattern is None:
            return heading, anchor, text
        score = (len(pattern.findall(heading)), len(pattern.findall(text)))
        if score > best_score:
            best, best_score = (heading, anchor, text), score
    return best


def _snippet(text, pattern):
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_CHARS // 3) if match else 0
    if start > 0:  # begin at the start of a word
        space = text.find(" ", start - 1)
        start = space + 1 if 0 <= space < (match.start() if match else len(text)) else start
    end = start + SNIPPET_CHARS
    if end < len(text):  # end at the end of a word
        space = text.rfind(" ", start, end + 1)
        end = space if space > start else end
    excerpt = text[start:end].rstrip(" ,;:")
    marked, last = [], 0
    for m in pattern.finditer(excerpt) if pattern else ():
        marked += [escape(excerpt[last : m.start()]), "<mark>", escape(m.group()), "</mark>"]
        last = m.end()
    marked.append(escape(excerpt[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(marked) + suffix)  # noqa: S308 (every piece escaped)


# --- PostgreSQL ------------------------------------------------------------------


def search_vector():
    """The weighted document vector; the GIN index in migration 0003 is built on the same expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "summary", "body_html", weight="B", config=CONFIG
    )


def rank_vector():
    """Where the words are, for ranking: title, then headings, then summary, then body."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("toc_html", weight="B", config=CONFIG)
        + SearchVector("summary", weight="C", config=CONFIG)
        + SearchVector("body_html", weight="D", config=CONFIG)
    )


def _postgres_search(query):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    return (
        _live_revisions()
        .annotate(document=search_vector())  # the indexed expression finds the matches
        .filter(document=search_query)
        .annotate(rank=SearchRank(rank_vector(), search_query))
        .order_by("-rank", "pk")
    )


def _plain_text(html_fragment):
    # Footnote numbers would read as part of the words they follow; block ends
    # become spaces so that a heading or list item never runs into the next.
    without_notes = re.sub(FOOTNOTE_MARK, "", html_fragment)
    spaced = re.sub(r"</(?:p|li|h[1-6]|td|th|tr|div|blockquote)>", " ", without_notes)
    return " ".join(html.unescape(strip_tags(spaced)).split())


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
    score = Value(0)
    for w in words:
        score = (
            score
            + Case(When(title__icontains=w, then=Value(1000)), default=Value(0))
            + Case(When(toc_html__icontains=w, then=Value(100)), default=Value(0))
            + Case(When(summary__icontains=w, then=Value(20)), default=Value(0))
            + _occurrences("body", w)
        )
    return revisions.annotate(score=score).order_by("-score", "pk")


def _occurrences(field, word):
    """How often `word` appears in `field`, ignoring case."""
    lowered = Lower(F(field))
    removed = Replace(lowered, Value(word.lower()), Value(""))
    return (Length(lowered) - Length(removed)) / len(word)
