"""Which views' pages the page cache keeps."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe


@dataclass(frozen=True)
class CachedPage:
    query_params: tuple


def cached_page(query_params=()):
    """Mark a view whose page anonymous readers get from the page cache.

    `query_params` are the query parameters the page depends on (e.g. "page"),
    given as page numbers; any other parameter is ignored, so it can neither
    change the page nor bypass the cache. Methods other than GET and HEAD get
    405. The page is refreshed by its URL path
    (refresh.py), which covers every value of those parameters.
    """

    def mark(view):
        # GET and HEAD only (405 otherwise): the cache serves no other method, so
        # OPTIONS or TRACE would rebuild the whole page on every request.
        page = require_safe(view)
        page.cached_page = CachedPage(tuple(query_params))
        return page

    return mark


@lru_cache(maxsize=4096)
def marked_page(urlconf, path_info):
    """The CachedPage of the view at this path, or None."""
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "cached_page", None)
