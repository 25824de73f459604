"""Every kind of public page, as a reader reaches it, for the accessibility and
HTML checks. Each entry opens the page in a browser tab and returns the HTTP
response, whose body is the HTML source the site sent."""

PUBLIC_URLS = {
    "home": "/",
    "topic": "/topics/how-it-works/",
    "article": "/guide/how-mesotherapy-works/",
    "site-page": "/advertiser-disclosure/",
    "person": "/people/editorial-team/",
    "not-found": "/no-such-page/",
}


def _open(url):
    def visit(page):
        return page.goto(url)

    return visit


PAGE_STATES = {name: _open(url) for name, url in PUBLIC_URLS.items()}
