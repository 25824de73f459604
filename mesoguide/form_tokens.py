"""Forms on cached pages, with no shared CSRF token.

The comment form and the newsletter sign-up sit on pages every reader shares
(the page cache and a CDN keep them, pagecache/), so they carry no CSRF
token. static/js/form-token.js fetches the reader's own token from form_token
when they start on such a form and adds it: the POST then passes Django's usual
check in one click.

Without the script (or if the fetch failed) the POST is refused by that same
check, unchanged: nothing is stored or mailed. For a view marked with
@confirm_when_tokenless, a refusal for want of any token shows that form's own
page instead of the 403 page, filled in with what the reader typed and with
their own token: one more click sends it through the normal, checked path.
Every other refusal (a token that is wrong, a token without the cookie, another
site's origin, other URLs) gets the 403 page.
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The status of a confirm page. The POST was refused, as Django's check decided,
# and 403 says so to logs, monitoring and scripts: a 200 would report a success
# and a 400 would blame the data, which may be fine. Browsers show the page all the same.
CONFIRM_STATUS = 403

_REASONS_WITHOUT_TOKEN = (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)


def confirm_when_tokenless(confirm_page):
    """Mark a form view: a POST to it refused for carrying no token at all gets
    confirm_page(request, **url_kwargs), which renders the form's page filled in
    from request.POST (with status CONFIRM_STATUS) and must store nothing."""

    def mark(view):
        view.confirm_page = confirm_page
        return view

    return mark


@never_cache
@require_GET
def form_token(request):
    """The visitor's own CSRF token; get_token also sets the csrftoken cookie."""
    return JsonResponse({"token": get_token(request)})


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a confirm page where one applies, else the 403 page."""
    confirm_page = _confirm_page_for(request, reason)
    if confirm_page is not None:
        match = request.resolver_match
        response = confirm_page(request, *match.args, **match.kwargs)
    else:
        context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
        response = render(request, "403_csrf.html", context, status=403)
    add_never_cache_headers(response)
    return response


def _confirm_page_for(request, reason):
    match = getattr(request, "resolver_match", None)
    confirm_page = getattr(match.func, "confirm_page", None) if match else None
    if confirm_page is None or request.method != "POST" or reason not in _REASONS_WITHOUT_TOKEN:
        return None
    try:
        sent_token = request.POST.get("csrfmiddlewaretoken") or request.META.get(
            settings.CSRF_HEADER_NAME
        )
    except OSError:  # the body could not be read
        return None
    return None if sent_token else confirm_page
