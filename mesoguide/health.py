"""/healthz and /readyz for load balancers and container orchestrators.

Answered by the first middleware, before host validation, the HTTPS redirect
and the page cache: a load balancer probes each node by its IP address over
plain HTTP. Both answers are a word or two that reveal nothing, so answering
any Host header is safe.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def _plain(text, status=200):
    response = HttpResponse(text + "\n", content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


def _database_reachable():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:
        # One line, not a traceback: load balancers ask every few seconds.
        logger.warning("readyz: the database is unreachable: %s", str(error).strip())
        return False


def _cache_reachable():
    try:
        cache.set("readyz-probe", "ok", timeout=30)
        return cache.get("readyz-probe") == "ok"
    except Exception as error:
        logger.warning("readyz: the cache is unreachable: %s", str(error).strip())
        return False


def readiness():
    """200 when this node can serve readers and editors: its database answers.

    The cache is an accelerator (redis_cache.py): without it pages are built
    from the database, so a cache outage is named but doesn't take every node
    out of the load balancer at once."""
    if not _database_reachable():
        response = _plain("unavailable: database", status=503)
        response._has_been_logged = True  # the warning above said why
        return response
    return _plain("ready" if _cache_reachable() else "ready; cache unavailable")


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path == LIVENESS_PATH:
            return _plain("ok")  # the process is alive and answering
        if path == READINESS_PATH:
            return readiness()
        return self.get_response(request)
