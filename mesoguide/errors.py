"""Styled error pages. The 500, 503 and 429 pages render without the
database, since the database may be what failed (or what is being spared);
the 400 page without the request, since it may be the request's Host header
that is bad (the context processors would ask for it again)."""

import logging
import sys

from django.db import InterfaceError, NotSupportedError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

# What a reader should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def is_database_outage(exception):
    """True for errors meaning the database cannot be reached or used right now."""
    return isinstance(exception, OperationalError | InterfaceError) or _is_stale_prepared_plan(
        exception
    )


def _is_stale_prepared_plan(exception):
    # PostgreSQL refuses a statement prepared before a migration changed the type
    # of a column it returns; the connection is dropped after this request
    # (mesoguide/postgresql/base.py) and the next one prepares it afresh.
    if not isinstance(exception, NotSupportedError):
        return False
    cause = exception.__cause__
    return getattr(cause, "sqlstate", None) == "0A000" and "must not change result type" in str(
        cause
    )


def service_unavailable(exception=None):
    """The branded 503 page, with Retry-After; no database needed."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    if exception is not None:
        logger.error("Database unavailable, serving 503: %s", str(exception).strip())
        response._has_been_logged = True  # one line with the cause; Django need not repeat it
    return response


def too_many_requests(retry_after):
    response = HttpResponse(
        loader.get_template("429.html").render({"retry_after": retry_after}), status=429
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    # Database errors raised outside a view (in a middleware, say) end up here.
    exception = sys.exc_info()[1]
    if is_database_outage(exception):
        return service_unavailable(exception)
    return HttpResponseServerError(loader.get_template("500.html").render())
