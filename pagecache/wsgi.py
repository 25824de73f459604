"""Answers page-cache hits before Django's request cycle, as WhiteNoise does for static files.

``PageCacheWSGI(django_application)`` wraps the site's WSGI application
(mesoguide/wsgi.py). For an anonymous GET or HEAD of a page marked with
``@cached_page`` that is stored and current, it replays the stored response:
the same bytes and headers (security headers included: they were stored
with the page), gzip for clients that take it, 304 for a matching
If-None-Match, and the page's per-visit work (the reader count, hits.py). No
middleware, no URL dispatch beyond a cached lookup, no database.

Everything else goes to Django unchanged, which also answers and stores what
this layer cannot: a request with a session or messages cookie (Django checks
whether it names a real session), a query string naming the page's own
parameter in a form other than plain digits, a host not in ALLOWED_HOSTS
(Django's 400), plain HTTP when SECURE_SSL_REDIRECT is on (Django's
redirect), a miss, or the shared cache being away.
"""

import logging
from functools import lru_cache
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host

from mesoguide.client_ip import is_configured_proxy

from . import hits, store
from .decorators import marked_page

logger = logging.getLogger(__name__)

_STATUS = {200: "200 OK", 304: "304 Not Modified"}


class PageCacheWSGI:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        answer = stored_answer(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(_STATUS[status], headers)
        return [body]


class Visit:
    """What a hit knows of its request, for per-visit work (hits.py)."""

    __slots__ = ("META", "GET", "method", "user")

    def __init__(self, environ, query):
        self.META, self.GET, self.method, self.user = (
            environ,
            query,
            environ["REQUEST_METHOD"],
            None,
        )


def stored_answer(environ):
    """(status, headers, body) of the stored page for this request, or None to let Django answer."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return None
    cookies = environ.get("HTTP_COOKIE")
    if cookies and (settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies):
        return None
    path_info = environ.get("PATH_INFO") or "/"
    if not path_info.isascii() or settings.FORCE_SCRIPT_NAME is not None:
        return None
    spec = marked_page(settings.ROOT_URLCONF, path_info)
    if spec is None:
        return None
    secure = _is_secure(environ)
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    host = _host(environ, secure)
    if host is None:
        return None
    query_string = environ.get("QUERY_STRING")
    query = dict(parse_qsl(query_string, keep_blank_values=True)) if query_string else {}
    try:
        params = store.canonical_params(query.get, spec.query_params)
    except ValueError:
        return None  # Django's 404
    if any(query[name] != value for name, value in params.items()):
        return None  # the view must be given the canonical number
    path = environ.get("SCRIPT_NAME", "") + path_info
    key = store.page_key(
        "https" if secure else "http", None if settings.SITE_URL else host, path, params
    )
    try:
        entry, _versions, _read_at = store.lookup(key, path)
    except Exception:
        logger.warning("Page cache unavailable, passing the request on", exc_info=True)
        return None
    if entry is None:
        return None
    if entry["on_hit"]:
        hits.run(Visit(environ, query), entry["on_hit"])
    status, headers, body = store.respond(
        entry,
        environ.get("HTTP_ACCEPT_ENCODING"),
        environ.get("HTTP_IF_NONE_MATCH"),
        "hit",
        query_string,
    )
    return status, headers, b"" if method == "HEAD" else body


def _is_secure(environ):
    """As Django decides it behind mesoguide.client_ip: X-Forwarded-Proto with exactly
    the configured value from a configured proxy, else the server's own scheme."""
    if settings.SECURE_PROXY_SSL_HEADER:
        name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(name)
        if value is not None:
            return value.strip() == secure_value and _from_proxy(
                environ.get("REMOTE_ADDR"), tuple(settings.FORWARDED_ALLOW_IPS)
            )
    return environ.get("wsgi.url_scheme") == "https"


@lru_cache(maxsize=256)  # the proxies in front are few
def _from_proxy(address, _allowed):
    return is_configured_proxy(address)


def _host(environ, secure):
    """The request's host in one spelling (origin.canonical_host), or None when
    Django would refuse it (ALLOWED_HOSTS) or the host comes from a header this
    layer does not read."""
    if settings.USE_X_FORWARDED_HOST:
        return None
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "")
        port = environ.get("SERVER_PORT", "")
        if port and port != ("443" if secure else "80"):
            host = f"{host}:{port}"
    return _canonical_host(host, secure)


@lru_cache(maxsize=256)
def _canonical_host(host, secure):
    domain, port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not domain or not validate_host(domain, allowed):
        return None
    port = int(port or 0)
    return domain if port in (0, 443 if secure else 80) else f"{domain}:{port}"


@receiver(setting_changed)
def _forget_hosts(setting, **kwargs):
    if setting in ("ALLOWED_HOSTS", "DEBUG"):
        _canonical_host.cache_clear()
