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

What is decided afresh on every rebuild: whether the article may be shown
(one query through Article.objects.published()) and its view count.
Previews build every part directly, never from or into the cache.
"""

from functools import partial

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mesoguide.origin import site_origin
from mesoguide.pagecache import KeptPart, kept_together_like_pages, page_group
from readership.counting import view_count

# Parts stay at most this long, like the pages they belong to.
KEEP_SECONDS = 3600
# The format of stored parts is in the key: two releases never read each other's.
_KEY_PREFIX = "article-part:v1"

ARTICLE_PARTS = ("head", "breadcrumbs", "heading", "text", "comments", "aside")
SITE_PARTS = {"top": "_site_top.html", "footer": "_footer.html"}


def article_context(request, article, revision, preview):
    """The context of articles/article.html: the parts, and what is filled in afresh."""
    parts = _parts(request, article, revision, preview)
    context = {"article": article, "revision": revision, "preview": preview, "parts": parts}
    if not preview:
        context["views"] = f"{view_count(article):,}"
        context["changes_url"] = reverse("article_changes", args=[article.slug])
    return context


def _parts(request, article, revision, preview):
    context = {"article": article, "revision": revision, "preview": preview}

    def render(template):
        return partial(render_to_string, template, context, request)

    builds = {name: render(f"articles/article_parts/{name}.html") for name in ARTICLE_PARTS}
    builds.update({name: render(template) for name, template in SITE_PARTS.items()})
    if preview:
        return {name: build() for name, build in builds.items()}
    # Parts hold absolute links (canonical, share links, JSON-LD), so the origin is in the key.
    origin = site_origin(request)
    article_key = f"{_KEY_PREFIX}:{origin}:article:{article.pk}:{revision.pk}"
    site_key = f"{_KEY_PREFIX}:{origin}:site:{timezone.localdate().year}"
    article_groups = (page_group("article", article.slug),)
    kept = [
        KeptPart(f"{article_key}:{name}", article_groups, builds[name]) for name in ARTICLE_PARTS
    ] + [KeptPart(f"{site_key}:{name}", (), builds[name]) for name in SITE_PARTS]
    values = kept_together_like_pages(kept, KEEP_SECONDS)
    return {part.key.rsplit(":", 1)[1]: values[part.key] for part in kept}
