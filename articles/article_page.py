"""An article page, put together from parts kept in the shared cache.

Readers normally get the whole page from the page cache (pagecache/).
When it isn't there (the first visit after a change, or every visit with the
page cache switched off) the page is rebuilt, but its slow parts are not: the
head, the text, the comments, the "more to read" sidebar and the site's header
and footer are kept in the shared cache under the same rule as whole pages
(pagecache/parts.py): the changes that refresh the article's
pages refresh them too, and they expire at the same scheduled moments. An
approved comment rebuilds only the parts of its article; the site-wide parts
are rebuilt only when every page is. Each process also keeps the parts it used
for PAGE_CACHE_LOCAL_SECONDS (1 s in production), as it does whole pages.

Decided afresh on every rebuild, with one query: whether the article may be
shown (Article.objects.published()) and which revision is live. The view count
shown is the total when this process last read it, at most
PAGE_CACHE_LOCAL_SECONDS ago (a total read then can fall behind, never overstate). The article itself is loaded only when a part has to be built.
Previews build every part directly, never from or into the cache.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from django.core.signals import setting_changed
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mesoguide.origin import site_origin
from mesoguide.release import release
from pagecache.parts import KeptPart, kept_together_like_pages
from pagecache.store import local_copies
from readership.counting import buffer_key, buffered_views, shown_view_count, stored_views

from .compiled import MOMENT, CompiledQuery
from .models import Article, Revision

# Parts stay at most this long, like the pages they belong to.
KEEP_SECONDS = 3600
# The format of stored parts and the release that built them (mesoguide/release.py)
# are in the key: a deploy never shows the previous release's parts.
_KEY_PREFIX = "article-parts:v1"

# Named in the review lines (templates/_review_line.html).
REVIEWERS = ("live_revision__approved_by__person", "live_revision__medically_reviewed_by__person")
ARTICLE_PARTS = ("head", "breadcrumbs", "heading", "text", "comments", "aside")
SITE_PARTS = {"top": "_site_top.html", "footer": "_footer.html"}


def published_article(slug):
    """(id, live revision id, stored view count) of the published article, or None."""
    found = _lookup.rows(now=timezone.now(), slug=slug)
    return found[0] if found else None


def _published_by_slug(now, slug):
    return (
        Article.objects.published(now)
        .guide_articles()
        .filter(slug=slug)
        .annotate(views=Subquery(stored_views(OuterRef("pk"))))
        .order_by()  # slugs are unique; ordering only costs time
        .values_list("pk", "live_revision_id", "views")[:1]
    )


# The one query of every rebuilt article page, compiled once per process
# (compiled.py): building it cost ~0.8 ms of CPU, running it ~0.05 ms.
_lookup = CompiledQuery(_published_by_slug, now=MOMENT, slug="\x00slug")


def reader_context(request, slug, article_id, revision_id, stored):
    """The context of articles/article.html for readers of the live revision;
    `stored` is the view count in the database."""

    @cache
    def article():  # only when a part has to be built
        return Article.objects.with_live_text().select_related(*REVIEWERS).get(pk=article_id)

    @cache
    def revision():  # the one the query found live, even if another went live since
        live = article().live_revision
        return live if live.pk == revision_id else Revision.objects.get(pk=revision_id)

    builds = _builds(request, article, revision, preview=False)
    origin = site_origin(request)  # parts hold absolute links: canonical, share, JSON-LD
    prefix = f"{_KEY_PREFIX}:{release()}:{origin}"
    # The slug too: parts hold links built from it (canonical, share, comment form).
    article_key = f"{prefix}:article:{article_id}:{slug}:{revision_id}"
    site = site_part(request)
    site_key = site.key
    # At most one round trip: the article's parts, the site's, and the buffered
    # view count, each unless this process read it within PAGE_CACHE_LOCAL_SECONDS.
    views_key = buffer_key(article_id)
    total_key = f"{_KEY_PREFIX}:views-total:{article_id}"
    total = local_copies.get(total_key)
    kept = kept_together_like_pages(
        [
            # Its group is the page's URL path: the reader asked for it by that path.
            KeptPart(article_key, (request.path,), builds.article_parts),
            site,
        ],
        KEEP_SECONDS,
        also_read=[views_key] if total is None else [],
    )
    if total is None:
        # The true total at this moment; kept, it can only fall behind, never overstate.
        total = {"value": stored + buffered_views(article_id, kept[views_key])}
        local_copies.keep(total_key, total)
    views = total["value"]
    return {
        "parts": {**kept[article_key], **kept[site_key]},
        "preview": False,
        "views": shown_view_count(views),
    }


# A reader's page is the same bytes around its view count until a part changes:
# each process renders articles/article.html once per set of parts, with this
# stand-in where the count goes, keeps it encoded, and on later rebuilds fills
# in only the count. In-process, of a 0.7 ms rebuild, rendering the template
# cost 0.25 ms and encoding the page (50 KB, not all ASCII) 0.07 ms.
_COUNT_SLOT = f"\x00view-count-{secrets.token_hex(8)}\x00"
_frames = {}  # canonical URL -> (parts, UTF-8 before the count, UTF-8 after it)
_FRAMES_LIMIT = 200  # pages; a few MB of HTML


def reader_page(request, context):
    """The UTF-8 bytes of articles/article.html for a reader_context(): the same as
    rendering it, with the page around the count rendered only when its parts or
    canonical URL differ from this process's last rebuild of that page."""
    url = site_origin(request) + request.path
    frame = _frames.get(url)
    if frame is None or frame[0] != context["parts"]:  # same objects: compared by identity
        html = render_to_string(
            "articles/article.html", {**context, "view_count": _COUNT_SLOT}, request
        )
        before, after = html.split(_COUNT_SLOT)
        if len(_frames) >= _FRAMES_LIMIT:
            _frames.clear()
        frame = _frames[url] = (context["parts"], before.encode(), after.encode())
    return b"".join((frame[1], _view_count_html(context["views"]), frame[2]))


@receiver(setting_changed)
def _forget_frames(**kwargs):  # the page around the count also shows settings (the site's name)
    _frames.clear()


@lru_cache(maxsize=1024)  # a count shown stays the same for many visits
def _view_count_html(views):
    return render_to_string("articles/_view_count.html", {"views": views}).encode()


def site_part(request):
    """The KeptPart of the site's header and footer, the same on every page (of a year:
    the footer shows it), refreshed with every page."""
    key = f"{_KEY_PREFIX}:{release()}:{site_origin(request)}:site:{timezone.localdate().year}"

    def build():
        context = {"preview": False}
        return {name: render_to_string(t, context, request) for name, t in SITE_PARTS.items()}

    return KeptPart(key, (), build)


def preview_context(request, article, revision):
    """The context of articles/article.html for an editor's preview: built afresh."""
    builds = _builds(request, lambda: article, lambda: revision, preview=True)
    parts = {**builds.article_parts(), **builds.site_parts()}
    return {"parts": parts, "preview": True, "article": article, "revision": revision}


@dataclass(frozen=True)
class _Builds:
    article_parts: Callable[[], dict]
    site_parts: Callable[[], dict]


def _builds(request, article, revision, preview):
    """The functions that build the parts; article and revision are functions too,
    so that nothing is loaded unless a part is built."""

    def render(template):
        context = {"article": article(), "revision": revision(), "preview": preview}
        return render_to_string(template, context, request)

    def article_parts():
        parts = {name: render(f"articles/article_parts/{name}.html") for name in ARTICLE_PARTS}
        return {
            **parts,
            "title": revision().title,
            "summary": revision().summary,
            # A preview may be of an article not saved yet: no slug, no change log.
            "changes_url": None if preview else reverse("article_changes", args=[article().slug]),
        }

    def site_parts():
        return {name: render(template) for name, template in SITE_PARTS.items()}

    return _Builds(article_parts, site_parts)
