"""Every kind of public page, as a reader reaches it, for the accessibility and
HTML checks: plain addresses, and forms sent back with their errors.

Each entry opens the page in a browser tab and returns the HTTP response whose
body is the HTML the site sent for the page now shown.
"""

ARTICLE = "/guide/how-mesotherapy-works/"

PUBLIC_URLS = {
    "home": "/",
    "topic": "/topics/how-it-works/",
    "article": ARTICLE,
    # Both launch articles show a library diagram (<figure><picture>).
    "article-with-diagram": "/guide/session-schedule/",
    "article-changes": f"{ARTICLE}changes/",
    "site-page": "/advertiser-disclosure/",
    "checklist": "/questions-to-ask/",
    "glossary": "/glossary/",
    "privacy": "/privacy/",
    "person": "/people/editorial-team/",
    "search-results": "/search/?q=injections",
    "search-nothing-found": "/search/?q=zebra",
    "comment-form": f"{ARTICLE}comments/",
    "comment-thanks": f"{ARTICLE}comments/thanks/",
    "newsletter": "/newsletter/",
    "newsletter-check-inbox": "/newsletter/check-your-inbox/",
    "newsletter-bad-link": "/newsletter/confirm/not-a-real-token/",
    "not-found": "/no-such-page/",
}


def _open(url):
    def visit(page):
        return page.goto(url)

    return visit


def submit(page, button):
    """Press a form's submit button; the response of the page the browser lands on."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def open_comment_form(page, article=ARTICLE):
    """The comment form under the article (without a token until the reader starts on it)."""
    page.goto(article)
    return page.locator("#comments #comment-form")


def without_token_fetch(page):
    """Make the form-token endpoint unreachable, as if the script could not fetch a token."""
    page.route("**/forms/token/", lambda route: route.abort())


def _shows_errors(response):
    assert response.status == 400, f"expected the form back with errors, got {response.status}"
    return response


def comment_with_errors(page):
    form = open_comment_form(page)
    form.get_by_label("Your email (optional)").fill("not-an-address")
    return _shows_errors(submit(page, form.get_by_role("button", name="Send comment")))


def newsletter_with_errors(page):
    page.goto("/newsletter/")
    form = page.locator("main form.signup-form")
    form.get_by_label("Your email").fill("name@")
    return _shows_errors(submit(page, form.get_by_role("button", name="Subscribe")))


def comment_with_a_wrong_csrf_token(page):
    page.goto(f"{ARTICLE}comments/")
    form = page.locator("#comment-form")
    form.locator("input[name=csrfmiddlewaretoken]").evaluate("el => { el.value = 'x'.repeat(64); }")
    response = submit(page, form.get_by_role("button", name="Send comment"))
    assert response.status == 403
    return response


def _to_confirm(response):
    assert response.status == 403, f"expected the confirm page, got {response.status}"
    return response


def comment_to_confirm(page, with_errors=False):
    """A comment sent from the article without a token (the fetch failed): its confirm page."""
    without_token_fetch(page)
    form = open_comment_form(page)
    form.get_by_label("Your name").fill("Alex")
    if with_errors:
        form.get_by_label("Your email (optional)").fill("not-an-address")
    else:
        form.get_by_label("Your comment").fill("A question about the sources.")
    response = _to_confirm(submit(page, form.get_by_role("button", name="Send comment")))
    page.unroute("**/forms/token/")
    return response


def newsletter_to_confirm(page):
    """A footer sign-up sent without a token (the fetch failed): its confirm page."""
    without_token_fetch(page)
    page.goto("/")
    form = page.locator(".site-footer form.signup-form")
    form.get_by_label("Your email").fill("reader@example.com")
    response = _to_confirm(submit(page, form.get_by_role("button", name="Subscribe")))
    page.unroute("**/forms/token/")
    return response


def comment_too_large_to_read(page):
    form = open_comment_form(page)
    form.get_by_label("Your comment").evaluate(
        "el => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(3000000); }"
    )
    response = submit(page, form.get_by_role("button", name="Send comment"))
    assert response.status == 400
    return response


def _newsletter_link(kind):
    def visit(page):
        from newsletter import tokens
        from newsletter.models import Subscriber

        subscriber, _ = Subscriber.objects.get_or_create(email="reader@example.com")
        make = tokens.confirmation_token if kind == "confirm" else tokens.unsubscribe_token
        return page.goto(f"/newsletter/{kind}/{make(subscriber)}/")

    return visit


PAGE_STATES = {
    **{name: _open(url) for name, url in PUBLIC_URLS.items()},
    "comment-form-errors": comment_with_errors,
    "newsletter-form-errors": newsletter_with_errors,
    "csrf-failure": comment_with_a_wrong_csrf_token,
    "comment-confirm": comment_to_confirm,
    "comment-confirm-errors": lambda page: comment_to_confirm(page, with_errors=True),
    "newsletter-confirm": newsletter_to_confirm,
    "bad-request": comment_too_large_to_read,
    "newsletter-confirmed": _newsletter_link("confirm"),
    "newsletter-unsubscribed": _newsletter_link("unsubscribe"),
}
