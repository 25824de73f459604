"""Whole-page cache for anonymous readers, shared by every app server.

The pages of views marked with @cached_page are kept in the default cache
(Redis in production) and served from there to anonymous GETs by
PageCacheMiddleware, without a single database query. Each process also keeps
the pages it just served for PAGE_CACHE_LOCAL_SECONDS (1 s in production),
which saves the round trip to Redis on busy pages.

Freshness. Every page belongs to a few groups ("home", "article:<slug>",
"topic:<slug>" ... and "*", which is every page). Each group has a version in
the cache; a page is stored with the versions it was built under and served
only while they are all unchanged. Refreshing a group writes a new version, so
every page of it (all of a topic's list pages, say) is rebuilt on its next
request. The versions are read in the same round trip as the page. A page also
expires when the next scheduled publication or unpublication comes due, and
on the day a partnership starts or ends.
cache_invalidation.py decides which groups a change touches. Parts of pages
(KeptPart, e.g. an article page's text, articles/article_page.py) are kept
under the same rule, so one refresh renews pages and parts alike. Keys carry
the running release (release.py).

Forms. A page that carries a CSRF token is never stored and is served
`private`: one visitor's token must not reach another. So the forms on cached
pages (the comment form under each article, the newsletter sign-up in the
footer) carry none: a script fetches each reader's own token when they start
on a form, and without it the form comes back on its own page, which carries
the token, to be confirmed (form_tokens.py). Every cached page is the same for
everyone: it is served `public` with s-maxage, for a CDN to keep
CDN_CACHE_SECONDS, and a hit does no per-visitor work.

Never cached: logged-in visitors (a session cookie naming a session) and
visitors with pending messages (signed by the site), who neither read nor fill
the cache; a made-up cookie of either name gets the cached page; previews; pages
other than 200; responses that set cookies or say private/no-store.
"""

import contextvars
import gzip
import hashlib
import importlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache as memoize
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from .origin import canonical_host
from .release import release

logger = logging.getLogger(__name__)

EVERY_PAGE = "*"
# While a page is built to be stored: when its request read the group versions.
_page_versions_read_at = contextvars.ContextVar("page_versions_read_at", default=None)
# The format of stored pages and the release that built them (release.py) are in
# the key: a deploy never serves the previous release's pages.
_PAGE_PREFIX = "page:v4:"
_VERSION_PREFIX = "page-version:"
# Stored pages are also compressed once, for clients that accept gzip (a quarter
# of the bytes). They hold nothing secret or personal, no CSRF token, so
# compression can't leak one (BREACH).
_GZIP_MIN_BYTES = 512
# Headers the cache sets itself rather than storing.
_UNSTORED_HEADERS = {"content-length", "cache-control", "expires", "etag", "vary", "set-cookie"}


def page_group(name, slug=None):
    """The group of one page: page_group("home"), page_group("article", "what-it-is")."""
    return name if slug is None else f"{name}:{slug}"


@dataclass(frozen=True)
class CachedPage:
    name: str
    query_params: tuple


def cached_page(name, query_params=()):
    """Mark a view whose page anonymous readers get from the page cache.

    `name` and the view's `slug` argument make the page's group. `query_params`
    are the query parameters the page depends on (e.g. "page"); any other
    parameter is ignored, so it can neither change the page nor bypass the cache.
    """

    def mark(view):
        view.cached_page = CachedPage(name, tuple(query_params))
        return view

    return mark


class PageCacheMiddleware:
    """Serves marked pages from the cache, early in the middleware stack.

    It runs after the middleware that add security headers to every response,
    and before sessions, CSRF, authentication, messages and the view, which a
    hit doesn't need (it serves only anonymous GETs of pages without a token;
    a page whose building gave out a token is never stored): a hit costs at
    most one round trip to the shared cache and no database query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = _marked_page(request)
        if page is None or not settings.PAGE_CACHE_SECONDS:
            return self.get_response(request)
        spec, slug = page
        if _is_personal(request):
            return _private(self.get_response(request))
        key = _page_key(request, spec.query_params)
        entry = _local_copies.get(key)
        if entry is not None and _is_fresh(entry):
            _record_view(request, entry)
            return _serve(request, entry, "hit")
        groups = [EVERY_PAGE, page_group(spec.name, slug)]
        versions_read_at = time.monotonic()
        try:
            found = cache.get_many([key, *(_VERSION_PREFIX + group for group in groups)])
            versions = _versions(groups, found)
        except Exception:
            logger.warning("Page cache unavailable, serving uncached", exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry and entry["versions"] == versions and _is_fresh(entry):
            _local_copies.keep(key, entry)
            _record_view(request, entry)
            return _serve(request, entry, "hit")
        building = _page_versions_read_at.set(versions_read_at)
        try:
            response = self.get_response(request)
        finally:
            _page_versions_read_at.reset(building)
        if _carries_token(request, response):
            return _private(response)
        entry = _entry(response, versions)
        if entry is None:
            return response
        try:
            cache.set(key, entry, timeout=int(entry["expires_at"] - time.time()) + 1)
        except Exception:
            logger.warning("Page cache unavailable, page not stored", exc_info=True)
        _local_copies.keep(key, entry)
        return _serve(request, entry, "miss")


def refresh(*groups):
    """Rebuild every cached page of these groups on its next request.

    Done at once and again after the current transaction commits, so a page
    rebuilt meanwhile from not-yet-committed data cannot outlive the change.
    A cache error is logged, never raised: publishing must not fail on it.
    """
    _write_new_versions(groups)
    _local_copies.forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: (_write_new_versions(groups), _local_copies.forget()))


def refresh_everything():
    refresh(EVERY_PAGE)


@dataclass(frozen=True)
class KeptPart:
    """Something pages show, kept in the shared cache for as long as a cached page of
    these groups would stay valid (same versions, no scheduled change due): the
    invalidation that refreshes those pages (cache_invalidation.py) refreshes it too."""

    key: str
    groups: tuple
    build: object  # a callable returning the value, called when it isn't kept


def kept_together_like_pages(parts, max_seconds, also_read=()):
    """{key: value} of several KeptParts, kept at most max_seconds, read in a single
    round trip to the shared cache; only the parts not found are built. Like pages,
    each process also keeps the parts it just used for PAGE_CACHE_LOCAL_SECONDS.
    Works whether the page cache itself is on or not.

    The cache keys in also_read are read in the same round trip, as they are (None
    when absent or when the cache is unavailable)."""
    values = {}
    # A page about to be stored under the versions its request read must not take
    # a copy this process kept before that read: it may predate a refresh.
    not_before = _page_versions_read_at.get()
    for part in parts:
        entry = _local_copies.get(part.key, not_before)
        if entry is not None and _is_fresh(entry):
            values[part.key] = entry["value"]
    to_read = [part for part in parts if part.key not in values]
    if not to_read and not also_read:
        return values
    groups = list(dict.fromkeys(g for part in to_read for g in (EVERY_PAGE, *part.groups)))
    try:
        found = cache.get_many(
            [part.key for part in to_read]
            + [_VERSION_PREFIX + group for group in groups]
            + list(also_read)
        )
        versions = dict(zip(groups, _versions(groups, found), strict=True))
    except Exception:
        logger.warning("Cache unavailable: parts built afresh", exc_info=True)
        built = {part.key: part.build() for part in to_read}
        return values | built | dict.fromkeys(also_read)
    values.update((key, found.get(key)) for key in also_read)
    to_store = []
    for part in to_read:
        part_versions = tuple(versions[g] for g in (EVERY_PAGE, *part.groups))
        entry = found.get(part.key)
        if entry and entry["versions"] == part_versions and _is_fresh(entry):
            values[part.key] = entry["value"]
            _local_copies.keep(part.key, entry)
        else:
            values[part.key] = part.build()
            to_store.append((part, part_versions))
    if to_store:
        _store_parts(to_store, values, max_seconds)
    return values


def _store_parts(to_store, values, max_seconds):
    lifetime, stale_on_day = _lifetime(max_seconds)
    if lifetime <= 0:
        return
    expires_at = time.time() + lifetime
    entries = {
        part.key: {
            "value": values[part.key],
            "versions": part_versions,
            "expires_at": expires_at,
            "stale_on_day": stale_on_day,
        }
        for part, part_versions in to_store
    }
    try:
        cache.set_many(entries, timeout=lifetime + 1)
    except Exception:
        logger.warning("Cache unavailable: %s not stored", ", ".join(entries), exc_info=True)
        return
    for key, entry in entries.items():
        _local_copies.keep(key, entry)


# --- Inside ------------------------------------------------------------------------


class _LocalCopies:
    """This process's copies of pages (and kept parts) it recently read from the shared cache.

    A copy is served without asking the shared cache for at most
    PAGE_CACHE_LOCAL_SECONDS: that round trip costs more than the rest of a
    hit. So another process may serve a refreshed page up to that long after
    the change; the process that made the change forgets its copies at once.
    """

    LIMIT = 500  # pages; about 15 MB of HTML at most

    def __init__(self):
        self._copies = {}

    def get(self, key, not_before=None):
        """The copy, if kept within PAGE_CACHE_LOCAL_SECONDS and not before `not_before`."""
        copy = self._copies.get(key)
        if copy is None or time.monotonic() - copy[1] > settings.PAGE_CACHE_LOCAL_SECONDS:
            return None
        if not_before is not None and copy[1] < not_before:
            return None
        return copy[0]

    def keep(self, key, entry):
        if settings.PAGE_CACHE_LOCAL_SECONDS <= 0:
            return
        if len(self._copies) >= self.LIMIT:
            self._copies = {}
        self._copies[key] = (entry, time.monotonic())

    def forget(self):
        self._copies = {}


_local_copies = _LocalCopies()


def forget_local_copies():
    _local_copies.forget()


def _write_new_versions(groups):
    version = f"{time.time_ns():x}"
    try:
        cache.set_many({_VERSION_PREFIX + group: version for group in groups}, timeout=None)
    except Exception:
        logger.error("Could not refresh cached pages %s", ", ".join(groups), exc_info=True)


def _versions(groups, found):
    """The current version of each group, creating any the cache has lost."""
    keys = [_VERSION_PREFIX + group for group in groups]
    missing = [key for key in keys if key not in found]
    if missing:
        # A lost version might have been newer than a stored page's: start a
        # new one, which makes every page of the group stale.
        version = f"{time.time_ns():x}"
        for key in missing:
            cache.add(key, version, timeout=None)
        found = {**found, **cache.get_many(missing)}
    return tuple(found.get(key) for key in keys)


def _is_fresh(entry):
    if entry["expires_at"] <= time.time():
        return False
    return entry["stale_on_day"] is None or timezone.localdate() < entry["stale_on_day"]


def _marked_page(request):
    """(CachedPage, slug) when the request is for a page marked with cached_page."""
    if request.method not in ("GET", "HEAD"):
        return None
    return _resolve_marked_page(get_urlconf() or settings.ROOT_URLCONF, request.path_info)


@lru_cache(maxsize=4096)
def _resolve_marked_page(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    spec = getattr(match.func, "cached_page", None)
    return None if spec is None else (spec, match.kwargs.get("slug"))


def _page_key(request, query_params):
    """The cache key of the requested page: one per page whatever a client adds.

    Only the page's own parameters count, as the number they mean in ASCII
    digits (`?page=01` and `?page=١` are `?page=1`, and the view is given
    that); anything else there (`?page=¹`, `?page=x`) is a 404. Any other
    parameter (`?preview` too: an anonymous reader gets the public page) is
    ignored. The host counts only when pages link to it (no SITE_URL: in
    development), and then as one spelling (origin.canonical_host)."""
    parts, canonical = [], {}
    for param in query_params:
        value = request.GET.get(param)
        if value is None:
            continue
        if not (value.isdecimal() and len(value) <= 6):
            raise Http404(f"?{param}= takes a page number.")
        canonical[param] = str(int(value))
        parts.append(f"{param}={canonical[param]}")
    if any(request.GET[param] != value for param, value in canonical.items()):
        request.GET = request.GET.copy()
        for param, value in canonical.items():
            request.GET[param] = value  # replaces every value the client sent
        request.GET._mutable = False
    page = request.path + ("?" + "&".join(parts) if parts else "")
    if not settings.SITE_URL:
        page = f"{request.scheme}://{canonical_host(request)}{page}"
    return f"{_PAGE_PREFIX}{release()}:{page}"


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
    the request, and the CSRF middleware (inside this one) then sets the cookie."""
    return (
        bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or settings.CSRF_COOKIE_NAME in response.cookies
    )


def _entry(response, versions):
    """What to store of a freshly rendered response, or None if it must not be stored."""
    cache_control = response.get("Cache-Control", "")
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or any(word in cache_control for word in ("private", "no-store", "no-cache"))
    ):
        return None
    body = response.content
    # A page may ask to be kept for less (one showing a live figure, say).
    wanted = getattr(response, "page_cache_seconds", None)
    lifetime, stale_on_day = _lifetime(
        None if wanted is None else min(wanted, settings.PAGE_CACHE_SECONDS)
    )
    if lifetime <= 0:
        return None
    return {
        "body": body,
        "body_gzip": gzip.compress(body, mtime=0) if len(body) >= _GZIP_MIN_BYTES else None,
        "headers": {k: v for k, v in response.items() if k.lower() not in _UNSTORED_HEADERS},
        "etag": 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "versions": versions,
        "expires_at": time.time() + lifetime,
        "stale_on_day": stale_on_day,
        "article_id": getattr(response, "article_id", None),
    }


def _serve(request, entry, outcome):
    # Headers are written directly: this is the hot path of the whole site.
    cdn_seconds = max(0, min(settings.CDN_CACHE_SECONDS, int(entry["expires_at"] - time.time())))
    body, encoding = entry["body"], {}
    if entry.get("body_gzip") is not None and _accepts_gzip(request):
        body, encoding = entry["body_gzip"], {"Content-Encoding": "gzip"}
    response = HttpResponse(
        body,
        headers={
            **entry["headers"],
            **encoding,
            "ETag": entry["etag"],
            "Cache-Control": f"public, max-age=0, s-maxage={cdn_seconds}",
            "Vary": "Accept-Encoding",
            "Content-Length": str(len(body)),
            "X-Page-Cache": outcome,
        },
    )
    if "HTTP_IF_NONE_MATCH" not in request.META:
        return response
    return get_conditional_response(request, etag=entry["etag"], response=response)


def _accepts_gzip(request):
    """Whether the client's Accept-Encoding allows gzip (every browser's does):
    its own quality if it names gzip, else that of "*", else no."""
    qualities = {}
    for coding in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        name, *params = (part.strip() for part in coding.split(";"))
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            qualities[name] = float(quality)
        except ValueError:
            qualities[name] = 0.0
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


def _lifetime(max_seconds=None):
    """(seconds a page stays valid, local day from which it is stale or None).

    Pages change with no save at all when a scheduled publication comes due
    or a partnership starts or ends (partners change by the day).
    """
    from .cache_invalidation import next_change_without_a_save

    now = timezone.now()
    moment, day = next_change_without_a_save(now)
    seconds = settings.PAGE_CACHE_SECONDS if max_seconds is None else max_seconds
    if moment is not None:
        seconds = min(seconds, (moment - now).total_seconds())
    if day is not None:
        midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        seconds = min(seconds, (midnight - now).total_seconds())
    return int(seconds), day


@memoize
def _view_counter():
    """readership.counting.record_view when the reader features are installed."""
    try:
        return importlib.import_module("readership.counting").record_view
    except ImportError:
        return None


def _record_view(request, entry):
    counter = _view_counter()
    if counter is not None and entry["article_id"] is not None:
        try:
            counter(request, entry["article_id"])
        except Exception:
            logger.warning("View not counted", exc_info=True)
