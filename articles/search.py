"""Site search over the live text of published articles and pages.

On PostgreSQL: full-text search backed by a GIN index (migration 0003), ranked
with the title above the headings, the headings above the summary and the
summary above the body. On SQLite (development): every word must appear
somewhere, ranked the same way by plain counting. Both search only
Article.objects.published() live revisions, and both show a snippet from the
section that matched best, cut at word boundaries, with the matches in <mark>.
"""

import hashlib
import html
import re
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import Length, Lower, Replace
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from mesoguide.characters import is_invisible, without_unstorable
from mesoguide.ratelimit import RateLimit, client_ip
from mesoguide.release import release
from pagecache import schedule

from . import search_index
from .models import Article
from .search_index import SearchEntry

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


def _visible_entries(now=None):
    """Index entries of what readers may see at `now` (the publish window applies here)."""
    return SearchEntry.objects.filter(article__in=Article.objects.published(now)).select_related(
        "article", "article__topic", "revision"
    )


# --- One page of results, cached per normalised query -------------------------------

PAGE_SIZE = 10
RESULTS_CACHE_SECONDS = 300
# Searches that miss the cache, per client: each costs the database real work.
SEARCH_RATE_LIMIT = RateLimit("search", limit=30, per_seconds=60)


class TooManySearches(Exception):
    """This client's uncached searches are over SEARCH_RATE_LIMIT."""


# Clients this process saw go over the limit, until their window ends: their next
# searches are refused without a round trip to the shared cache. Bounded: cleared
# when it holds LIMITED_CLIENTS_KEPT addresses.
_limited_until = {}
LIMITED_CLIENTS_KEPT = 4096


@dataclass(frozen=True)
class ResultsPage:
    results: list
    count: int
    number: int

    def page(self):
        """A Paginator page for the pagination links (no query behind it)."""
        return Paginator(range(self.count), PAGE_SIZE).get_page(self.number)


def page_number(raw):
    """The page asked for: plain ASCII digits, else the first (int() reads "١" as 1)."""
    raw = (raw or "").strip()
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


def results_page(query, number, request):
    """ResultsPage of `query` (cleaned by clean_query), from the cache when it can.

    The key holds the release, the index's generation (bumped whenever the index
    changes) and a digest of the case-folded query, so its size is fixed and a
    publish is searchable at once. Raises TooManySearches for a client over the
    limit of uncached searches.
    """
    client = client_ip(request)
    if _limited_until.get(client, 0) > time.monotonic():
        raise TooManySearches
    generation = search_index.generation()
    digest = hashlib.sha256(query.casefold().encode()).hexdigest()[:32]
    key = f"search:{release()}:{generation}:{digest}:{number}"
    if generation is not None:
        try:
            cached = cache.get(key)
        except Exception:  # the shared cache is away: search from the database
            cached = None
        if cached is not None:
            return cached
    if not SEARCH_RATE_LIMIT.hit(client):
        if len(_limited_until) >= LIMITED_CLIENTS_KEPT:
            _limited_until.clear()
        window = SEARCH_RATE_LIMIT.per_seconds
        _limited_until[client] = time.monotonic() + window - time.time() % window
        raise TooManySearches
    searched_at = timezone.now()
    page = _one_page(search(query, searched_at), query, number)
    lifetime = _results_lifetime(searched_at)
    if generation is not None and lifetime > 0:
        try:
            cache.set(key, page, lifetime)
        except Exception:  # noqa: S110 (the page is answered all the same)
            pass
    return page


def _one_page(matches, query, number):
    """ResultsPage `number` of the `matches` queryset, in two queries of fixed cost.

    First the page's ids and the number of all matches (a window count) from the
    index alone; then those entries with their articles and texts, still through
    `matches` (so visibility is checked again). Counting in the query that also
    joined the texts made PostgreSQL join all of them: 230 ms for a word in
    10,000 articles, against 25 ms this way (bench/search.py)."""
    counted = matches.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    ids = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if not ids and number > 1:  # past the last page: show the last one, as get_page does
        total = matches.count()
        last = max(1, -(-total // PAGE_SIZE))
        return _one_page(matches, query, last) if total else ResultsPage([], 0, 1)
    total = ids[0][1] if ids else 0
    entries = {entry.pk: entry for entry in matches.filter(pk__in=[pk for pk, _ in ids])}
    rows = [entries[pk] for pk, _ in ids if pk in entries]
    return ResultsPage(results(rows, query), total, number)


def _results_lifetime(searched_at):
    """Whole seconds results found at `searched_at` stay valid from now: until the
    next scheduled publication or removal after that moment (one may have come
    while the query ran), at most RESULTS_CACHE_SECONDS; 0 means don't keep them."""
    moment, _partner_day = schedule.next_change_without_a_save(searched_at)
    if moment is None:
        return RESULTS_CACHE_SECONDS
    return max(0, min(RESULTS_CACHE_SECONDS, int((moment - timezone.now()).total_seconds())))


def search(query, now=None):
    """A queryset of matching index entries (articles/search_index.py), best first,
    ready for a Paginator.

    Ranked by where the words are: the title counts most, then the headings (the
    table of contents), then the summary, then the body."""
    if connection.vendor == "postgresql":
        return _postgres_search(query, now)
    return _simple_search(query, now)


def results(entries, query):
    """One page of matching revisions as Results: a snippet from the section that
    matched best, cut at word boundaries, with the matched words marked."""
    pattern = _word_pattern(query)
    found = []
    for r in entries:
        url = r.article.get_absolute_url()
        heading, anchor, text = _best_section(r.revision.body_html, pattern)
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


def _postgres_search(query, now=None):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    # The stored, weighted vector (title A, headings B, summary C, body D) finds
    # the matches through its GIN index and ranks them without reparsing text.
    return (
        _visible_entries(now)
        .filter(document=search_query)
        .annotate(rank=SearchRank(F("document"), search_query))
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


def _simple_search(query, now=None):
    words = _words(query)
    entries = _visible_entries(now)
    for word in words:
        starts = _word_start(word)
        entries = entries.filter(
            Q(title__iregex=starts)
            | Q(headings__iregex=starts)
            | Q(summary__iregex=starts)
            | Q(body__iregex=starts)
        )
    score = Value(0)
    for w in words:
        starts = _word_start(w)
        score = (
            score
            + Case(When(title__iregex=starts, then=Value(1000)), default=Value(0))
            + Case(When(headings__iregex=starts, then=Value(100)), default=Value(0))
            + Case(When(summary__iregex=starts, then=Value(20)), default=Value(0))
            + _occurrences("body", w)
        )
    return entries.annotate(score=score).order_by("-score", "pk")


def _word_start(word):
    """A regular expression for `word` at the start of a word: "999" finds "999"
    and "bruis" finds "bruising", but "999" does not find "1999"."""
    return rf"\b{re.escape(word)}"


def _occurrences(field, word):
    """How often `word` appears in `field`, ignoring case."""
    lowered = Lower(F(field))
    removed = Replace(lowered, Value(word.lower()), Value(""))
    return (Length(lowered) - Length(removed)) / len(word)
