"""Share links as plain URLs of each network's own share page: no third-party scripts or images."""

from urllib.parse import quote, urlencode


def _query(**params):
    return urlencode(params, quote_via=quote)


def share_links(url, title):
    """(name, href) for each way to share a page, email first."""
    text = f"{title} {url}"
    return [
        ("Email", "mailto:?" + _query(subject=title, body=text)),
        ("WhatsApp", "https://wa.me/?" + _query(text=text)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
        ("X", "https://x.com/intent/post?" + _query(text=title, url=url)),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)),
        ("Bluesky", "https://bsky.app/intent/compose?" + _query(text=text)),
        ("Reddit", "https://www.reddit.com/submit?" + _query(url=url, title=title)),
    ]
