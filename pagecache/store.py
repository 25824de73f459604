"""Stored pages: their keys, their freshness, and the response a hit gets.

A page is stored in the default cache (Redis in production) as an entry: the
body (and a gzip copy), every header the site sent with it (security headers
included), its ETag, the versions of its groups (its own URL path and
EVERY_PAGE) it was built under, when it expires and the per-visit work a hit
still does (hits.py). It is served only while those versions are unchanged
(refresh.py writes new ones) and it has not expired: by PAGE_CACHE_SECONDS, by
what the view asked (``response.page_cache_seconds``), and by the next change
due without a save (schedule.py).

Each process also keeps the entries it just read for PAGE_CACHE_LOCAL_SECONDS
(1 s in production), which saves the round trip to Redis on busy pages.
Keys carry the running release (mesoguide/release.py) and the scheme.
"""

import contextvars
import gzip
import hashlib
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import parse_etags

from mesoguide.release import release

from .schedule import lifetime

logger = logging.getLogger(__name__)

EVERY_PAGE = "*"
VERSION_PREFIX = "page-version:"
# The format of stored pages is in the key with the release that built them.
_PAGE_PREFIX = "page:v5:"
# Stored pages are also compressed once, for clients that accept gzip (a quarter
# of the bytes). They hold nothing secret or personal, no CSRF token, so
# compression can't leak one (BREACH).
_GZIP_MIN_BYTES = 512
# Headers the cache sets itself rather than storing.
_UNSTORED_HEADERS = {
    "content-length",
    "cache-control",
    "expires",
    "etag",
    "vary",
    "set-cookie",
    "date",
    "server",
    "x-page-cache",
}
# Not repeated on a 304 (the representation's own metadata).
_NOT_ON_304 = {"content-type", "content-language", "content-encoding"}

# While a page is built to be stored: when its request read the group versions.
page_versions_read_at = contextvars.ContextVar("page_versions_read_at", default=None)


class LocalCopies:
    """This process's copies of entries it recently read from the shared cache.

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


local_copies = LocalCopies()


def write_new_versions(groups):
    version = f"{time.time_ns():x}"
    try:
        cache.set_many({VERSION_PREFIX + group: version for group in groups}, timeout=None)
    except Exception:
        logger.error("Could not refresh cached pages %s", ", ".join(groups), exc_info=True)


def versions(groups, found):
    """The current version of each group, from `found` (a get_many answer that
    included their keys), creating any the cache has lost."""
    keys = [VERSION_PREFIX + group for group in groups]
    missing = [key for key in keys if key not in found]
    if missing:
        # A lost version might have been newer than a stored page's: start a
        # new one, which makes every page of the group stale.
        version = f"{time.time_ns():x}"
        for key in missing:
            cache.add(key, version, timeout=None)
        found = {**found, **cache.get_many(missing)}
    return tuple(found.get(key) for key in keys)


def is_fresh(entry):
    if entry["expires_at"] <= time.time():
        return False
    return entry["stale_on_day"] is None or timezone.localdate() < entry["stale_on_day"]


def canonical_params(get, query_params):
    """{param: value as the number it means, in ASCII digits} for the page's own
    parameters present (`get(name)` reads one); ValueError for one that is no
    page number (`?page=¹`, `?page=x`)."""
    canonical = {}
    for param in query_params:
        value = get(param)
        if value is None:
            continue
        if not (value.isdecimal() and len(value) <= 6):
            raise ValueError(f"?{param}= takes a page number.")
        canonical[param] = str(int(value))
    return canonical


def page_key(scheme, host, path, params):
    """The key of one page: the release, the scheme, the host when pages link to it
    (no SITE_URL, in development; else None), the path and its own parameters."""
    query = "&".join(f"{name}={value}" for name, value in params.items())
    origin = f"{scheme}://{host}" if host else scheme + ":"
    return f"{_PAGE_PREFIX}{release()}:{origin}{path}{'?' + query if query else ''}"


def lookup(key, path):
    """(entry or None, versions read, monotonic time they were read): the stored page
    if it is current. Raises what the shared cache raises when it is away."""
    entry = local_copies.get(key)
    if entry is not None and is_fresh(entry):
        return entry, None, None
    groups = [EVERY_PAGE, path]
    read_at = time.monotonic()
    found = cache.get_many([key, *(VERSION_PREFIX + group for group in groups)])
    current = versions(groups, found)
    entry = found.get(key)
    if entry and entry["versions"] == current and is_fresh(entry):
        local_copies.keep(key, entry)
        return entry, current, read_at
    return None, current, read_at


def make_entry(body, headers, versions_built_under, wanted_seconds=None, on_hit=None):
    """What to store of a 200 response, or None if it expires at once. `headers`:
    (name, value) pairs as sent; `wanted_seconds`: the view's own limit."""
    seconds, stale_on_day = lifetime(
        None if wanted_seconds is None else min(wanted_seconds, settings.PAGE_CACHE_SECONDS)
    )
    if seconds <= 0:
        return None
    return {
        "body": body,
        "body_gzip": gzip.compress(body, mtime=0) if len(body) >= _GZIP_MIN_BYTES else None,
        "headers": [(k, v) for k, v in headers if k.lower() not in _UNSTORED_HEADERS],
        "etag": 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "versions": versions_built_under,
        "expires_at": time.time() + seconds,
        "stale_on_day": stale_on_day,
        "on_hit": on_hit or {},
    }


def store(key, entry):
    try:
        cache.set(key, entry, timeout=int(entry["expires_at"] - time.time()) + 1)
    except Exception:
        logger.warning("Page cache unavailable, page not stored", exc_info=True)
    local_copies.keep(key, entry)


def respond(entry, accept_encoding, if_none_match, outcome, query_string=""):
    """(status code, [(header, value)], body) of a stored page: the page (gzipped
    when the client takes it) or 304 Not Modified when If-None-Match names it.
    A URL with a query string gets s-maxage=0 unless CDN_CACHE_QUERY_STRINGS (a
    purge of its path would not reach it)."""
    cdn_seconds = max(0, min(settings.CDN_CACHE_SECONDS, int(entry["expires_at"] - time.time())))
    if query_string and not settings.CDN_CACHE_QUERY_STRINGS:
        cdn_seconds = 0
    own = [
        ("ETag", entry["etag"]),
        ("Cache-Control", f"public, max-age=0, s-maxage={cdn_seconds}"),
        ("Vary", "Accept-Encoding"),
        ("X-Page-Cache", outcome),
    ]
    if if_none_match and _names(if_none_match, entry["etag"]):
        kept = [(k, v) for k, v in entry["headers"] if k.lower() not in _NOT_ON_304]
        return 304, kept + own, b""
    body, headers = entry["body"], list(entry["headers"])
    if entry["body_gzip"] is not None and accepts_gzip(accept_encoding):
        body = entry["body_gzip"]
        headers.append(("Content-Encoding", "gzip"))
    headers += own
    headers.append(("Content-Length", str(len(body))))
    return 200, headers, body


def _names(if_none_match, etag):
    """Whether If-None-Match names the page (weak comparison, as Django's own)."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in parse_etags(if_none_match))


@lru_cache(maxsize=256)  # a few browsers' headers make most requests
def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding allows gzip (every browser's does): its own
    quality if it names gzip, else that of "*", else no."""
    if not accept_encoding:
        return False
    qualities = {}
    for coding in accept_encoding.lower().split(","):
        name, *params = (part.strip() for part in coding.split(";"))
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            qualities[name] = float(quality)
        except ValueError:
            qualities[name] = 0.0
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0
