"""Per-visit work a cache hit still does, registered by the app that owns it.

A view asks for it on its response: ``response.page_cache_on_hit = {"name": value}``
(the reader count: ``{"article-visit": article_id}``); the page cache stores
that with the page and, on each hit, calls the function registered under the
name with ``(visit, value)``. ``visit`` has ``method``, ``META`` (the WSGI
environ) and ``GET`` (the query parameters), like a request that never went
through Django's middleware: no user, no session.
"""

import logging

logger = logging.getLogger(__name__)

_handlers = {}


def on_hit(name):
    """Register the decorated function(visit, value) under `name`."""

    def register(function):
        _handlers[name] = function
        return function

    return register


def run(visit, wanted):
    """Call the handlers a stored page asked for; an error is logged, the page still served."""
    for name, value in wanted.items():
        handler = _handlers.get(name)
        if handler is None:
            continue
        try:
            handler(visit, value)
        except Exception:
            logger.warning("Work on a cache hit (%s) failed", name, exc_info=True)
