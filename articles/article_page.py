"""An article page, put together from parts kept in the shared cache.

Readers normally get the whole page from the page cache (mesoguide/pagecache.py).
When it isn't there (the first visit after a change, or every visit with the
page cache switched off) the page is rebuilt, but its slow parts are not: the
head, the text, the comments, the "more to read" sidebar and the site's header
and footer are kept in the shared cache under the same rule as whole pages
(pagecache.kept_together_like_pages): the changes that refresh the article's
pages refresh them too, and they expire at the same scheduled moments. An
approved comment rebuilds only the parts of its article; the site-wide parts
are rebuilt only when every page is.

Decided afresh on every rebuild, with one query: whether the article may be
shown (Article.objects.published()), which revision is live, and its view
count. The article itself is loaded only when a part has to be built.
Previews build every part directly, never from or into the cache.
"""

from functools import cache

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mesoguide.origin import site_origin
from mesoguide.pagecache import KeptPart, kept_together_like_pages, page_group
from readership.counting import buffered_views, stored_views

from .models import Article

# Parts stay at most this long, like the pages they belong to.
KEEP_SECONDS = 3600
# The format of stored parts is in the key: two releases never read each other's.
_KEY_PREFIX = "article-part:v1"

ARTICLE_PARTS = ("head", "breadcrumbs", "heading", "text", "comments", "aside")
SITE_PARTS = {"top": "_site_top.html", "footer": "_footer.html"}


def published_article(slug):
    """(id, live revision id, stored view count) of the published article, or None."""
    found = (
        Article.objects.published()
        .guide_articles()
        .filter(slug=slug)
        .annotate(views=Subquery(stored_views(OuterRef("pk"))))
        .order_by()  # slugs are unique; ordering only costs time
        .values_list("pk", "live_revision_id", "views")[:1]
    )
    return next(iter(found), None)


def reader_context(request, slug, article_id, revision_id, stored):
    """The context of articles/article.html for readers of the live revision;
    `stored` is the view count in the database."""

    @cache
    def article():  # only when a part has to be built
        return Article.objects.with_live_text().get(pk=article_id)

    builds = _builds(request, article, lambda: article().live_revision, preview=False)
    origin = site_origin(request)  # parts hold absolute links: canonical, share, JSON-LD
    article_key = f"{_KEY_PREFIX}:{origin}:article:{article_id}:{revision_id}"
    site_key = f"{_KEY_PREFIX}:{origin}:site:{timezone.localdate().year}"
    article_groups = (page_group("article", slug),)
    kept = [
        KeptPart(f"{article_key}:{name}", article_groups, builds[name])
        for name in (*ARTICLE_PARTS, "title", "summary")
    ] + [KeptPart(f"{site_key}:{name}", (), builds[name]) for name in SITE_PARTS]
    values = kept_together_like_pages(kept, KEEP_SECONDS)
    parts = {part.key.rsplit(":", 1)[1]: values[part.key] for part in kept}
    return {
        "parts": parts,
        "preview": False,
        "views": f"{stored + buffered_views(article_id):,}",
        "changes_url": reverse("article_changes", args=[slug]),
    }


def preview_context(request, article, revision):
    """The context of articles/article.html for an editor's preview: built afresh."""
    builds = _builds(request, lambda: article, lambda: revision, preview=True)
    parts = {name: build() for name, build in builds.items()}
    return {"parts": parts, "preview": True, "article": article, "revision": revision}


def _builds(request, article, revision, preview):
    """{part name: function building it}; article and revision are functions too."""

    def render(template):
        def build():
            context = {"article": article(), "revision": revision(), "preview": preview}
            return render_to_string(template, context, request)

        return build

    builds = {name: render(f"articles/article_parts/{name}.html") for name in ARTICLE_PARTS}
    builds.update({name: render(template) for name, template in SITE_PARTS.items()})
    builds["title"] = lambda: revision().title
    builds["summary"] = lambda: revision().summary
    return builds
