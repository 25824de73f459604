"""Newsletter pages. None is cached: each answers one person's link or form."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mesoguide.form_tokens import CONFIRM_STATUS, confirm_when_tokenless

from . import subscriptions, tokens
from .forms import SignupForm
from .subscriptions import Outcome


def confirm_signup(request):
    """A sign-up sent without a CSRF token, back on the page to be confirmed; nothing sent."""
    form = SignupForm(request.POST)
    if form.is_spam():
        return redirect("newsletter:check_inbox")
    form.is_valid()  # so that problems show at once
    return _signup_page(request, form, status=CONFIRM_STATUS, confirming=True)


@confirm_when_tokenless(confirm_signup)
@never_cache
def subscribe(request):
    if request.method != "POST":
        return _signup_page(request, SignupForm())
    form = SignupForm(request.POST)
    if form.is_spam():
        return redirect("newsletter:check_inbox")
    status = 400
    if form.is_valid():
        if subscriptions.SIGNUP_RATE_LIMIT.hit_by_client(request):
            subscriptions.request_subscription(form.cleaned_data["email"], request)
            return redirect("newsletter:check_inbox")
        form.add_error(
            None,
            "We have had several sign-ups from your connection in a short time. Please try "
            f"again in {subscriptions.SIGNUP_RATE_LIMIT.wait_minutes} minutes.",
        )
        status = 429
    return _signup_page(request, form, status=status)


def _signup_page(request, form, status=200, confirming=False):
    # newsletter_page: no second sign-up form in the footer.
    context = {"form": form, "confirming": confirming, "newsletter_page": True}
    return render(request, "newsletter/subscribe.html", context, status=status)


@never_cache
def check_inbox(request):
    return render(request, "newsletter/check_inbox.html", {"days": tokens.CONFIRM_MAX_AGE.days})


def _link_problem(request, expired=False):
    return render(
        request,
        "newsletter/link_problem.html",
        {"expired": expired, "form": SignupForm()},
        status=410 if expired else 400,
    )


def _answer_link(request, change, signed_token, template, **context):
    """Apply a signed link's change and show its outcome; a bad link gets a friendly page."""
    try:
        outcome = change(signed_token)
    except tokens.ExpiredToken:
        return _link_problem(request, expired=True)
    except tokens.BadToken:
        return _link_problem(request)
    return render(
        request,
        template,
        {"outcome": outcome.value, "form": SignupForm(), **context},
        status=404 if outcome is Outcome.UNKNOWN else 200,
    )


@never_cache
def confirm(request, token):
    return _answer_link(request, subscriptions.confirm, token, "newsletter/confirmed.html")


# Mail programs send RFC 8058 one-click unsubscribes as a POST without our
# CSRF token; the signed token in the URL is the proof instead.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    return _answer_link(
        request, subscriptions.unsubscribe, token, "newsletter/unsubscribed.html", token=token
    )


@never_cache
@require_POST
def resubscribe(request, token):
    return _answer_link(request, subscriptions.resubscribe, token, "newsletter/confirmed.html")
