"""Stores marked pages for anonymous readers, and serves what the WSGI layer passed on.

It runs first in the middleware stack, outside the security middleware, so a
stored page keeps every header the site sends (CSP, HSTS, X-Frame-Options ...)
and a hit replays them exactly. The WSGI layer (wsgi.py) answers most hits
before Django; this middleware answers the rest (a page's own query parameter
to read, a session or messages cookie to check) and stores what it builds.

Forms. A page that carries a CSRF token is never stored and is served
`private`: one visitor's token must not reach another (mesoguide/form_tokens.py
gives forms on cached pages their token). Every cached page is the same for
everyone: it is served `public` with s-maxage, for a CDN to keep
CDN_CACHE_SECONDS.

Never cached: logged-in visitors (a session cookie naming a session) and
visitors with pending messages (signed by the site), who neither read nor fill
the cache; a made-up cookie of either name gets the cached page; previews;
pages other than 200; responses that set cookies or say private/no-store.
"""

import importlib
import logging
from functools import cache as memoize

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import Http404, HttpResponse
from django.urls import get_urlconf
from django.utils.cache import patch_cache_control

from mesoguide.origin import canonical_host

from . import hits, store
from .decorators import marked_page
from .refresh import announce_release

logger = logging.getLogger(__name__)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spec = _marked_page(request)
        if spec is None or not settings.PAGE_CACHE_SECONDS:
            return self.get_response(request)
        announce_release()
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return self.get_response(request)  # SecurityMiddleware redirects it
        if _is_personal(request):
            return _private(self.get_response(request))
        key = _page_key(request, spec.query_params)
        try:
            entry, versions, read_at = store.lookup(key, request.path)
        except Exception:
            logger.warning("Page cache unavailable, serving uncached", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            hits.run(request, entry["on_hit"])
            return _serve(request, entry, "hit")
        building = store.page_versions_read_at.set(read_at)
        try:
            response = self.get_response(request)
        finally:
            store.page_versions_read_at.reset(building)
        if _carries_token(request, response):
            return _private(response)
        entry = _entry(response, versions)
        if entry is None:
            return response
        store.store(key, entry)
        return _serve(request, entry, "miss")


def _marked_page(request):
    if request.method not in ("GET", "HEAD"):
        return None
    return marked_page(get_urlconf() or settings.ROOT_URLCONF, request.path_info)


def _page_key(request, query_params):
    """The cache key of the requested page: one per page whatever a client adds.

    Only the page's own parameters count, as the number they mean in ASCII
    digits (`?page=01` and `?page=١` are `?page=1`, and the view is given
    that); anything else there (`?page=¹`, `?page=x`) is a 404. Any other
    parameter (`?preview` too: an anonymous reader gets the public page) is
    ignored. The host counts only when pages link to it (no SITE_URL: in
    development), and then as one spelling (origin.canonical_host)."""
    try:
        canonical = store.canonical_params(request.GET.get, query_params)
    except ValueError as error:
        raise Http404(str(error)) from error
    if any(request.GET[param] != value for param, value in canonical.items()):
        request.GET = request.GET.copy()
        for param, value in canonical.items():
            request.GET[param] = value  # replaces every value the client sent
        request.GET._mutable = False
    host = None if settings.SITE_URL else canonical_host(request)
    return store.page_key(request.scheme, host, request.path, canonical)


def _is_personal(request):
    """Whether the visitor may see a page of their own: they hold a session (staff
    logged in) or messages the site signed for them. A made-up cookie of either
    name doesn't count, or anyone could bypass the cache with one."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        try:
            if _session_store().exists(session_key):
                return True
        except Exception:  # the database is away: build the page (its 503)
            return True
    messages = request.COOKIES.get("messages")
    return bool(messages) and CookieStorage(request)._decode(messages) is not None  # noqa: SLF001


@memoize
def _session_store():
    return importlib.import_module(settings.SESSION_ENGINE).SessionStore()


def _private(response):
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _carries_token(request, response):
    """Whether building the page gave out the visitor's CSRF token: get_token marks
    the request, and the CSRF middleware then sets the cookie."""
    return (
        bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or settings.CSRF_COOKIE_NAME in response.cookies
    )


def _entry(response, versions):
    """What to store of a freshly built response, or None if it must not be stored."""
    cache_control = response.get("Cache-Control", "")
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or any(word in cache_control for word in ("private", "no-store", "no-cache"))
    ):
        return None
    return store.make_entry(
        response.content,
        response.items(),
        versions,
        # A page may ask to be kept for less (one showing a live figure, say).
        wanted_seconds=getattr(response, "page_cache_seconds", None),
        on_hit=getattr(response, "page_cache_on_hit", None),
    )


def _serve(request, entry, outcome):
    status, headers, body = store.respond(
        entry,
        request.META.get("HTTP_ACCEPT_ENCODING"),
        request.META.get("HTTP_IF_NONE_MATCH"),
        outcome,
        request.META.get("QUERY_STRING"),
    )
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response
