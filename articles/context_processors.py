from .footer import footer_links


def footer(request):
    """The footer's site pages. The function itself: the template calls it only if it
    shows the footer, which pages that keep their footer in the cache don't (article_page.py)."""
    return {"footer_links": footer_links}
