"""Markdown to safe HTML: the one renderer and the one sanitizer allowlist.

Everything authors or readers write reaches a page only through this module.
Markdown runs with raw HTML switched off (it is shown as text), then bleach
keeps only the tags, attributes and URL schemes listed here.
"""

import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.html import escape
from markdown.extensions import Extension

from .readability import word_count as prose_word_count

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "a", "em", "strong", "code", "pre", "blockquote", "sup", "sub",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
        "div", "nav",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# The only classes our Markdown extensions emit; anything else is dropped so
# authors cannot borrow the site's own styles (e.g. a fake "paid link" label).
ALLOWED_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref", "toc"})
SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]{0,80}$")
WORDS_PER_MINUTE = 200


def _allowed_attribute(tag, name, value):
    if name == "id":
        return tag in {"h2", "h3", "h4", "h5", "h6", "li", "sup"} and bool(SAFE_ID.match(value))
    if name == "class":
        return tag in {"a", "div"} and value in ALLOWED_CLASSES
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag in {"th", "td"}:
        return name == "align" and value in {"left", "right", "center"}
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


# Beyond bleach's scheme check: a link is kept only if it is absolute http(s),
# mailto, an in-page anchor or a path on this site; anything else (including
# relative oddities such as "javascript&colon;...", and "//host" or "/\\host",
# which browsers read as another site) loses its href.
SAFE_HREF = re.compile(r"^(?:https?://|mailto:|#|/(?![/\\]))", re.IGNORECASE)


class _LinkPolicy(Filter):
    """Drop hrefs outside SAFE_HREF; give links that leave the site rel="noopener"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if href and not SAFE_HREF.match(href):
                    del attrs[(None, "href")]
                elif urlsplit(href).scheme in {"http", "https"}:
                    rel = set(attrs.get((None, "rel"), "").split()) | {"noopener"}
                    attrs[(None, "rel")] = " ".join(sorted(rel))
            yield token


# bleach's Cleaner is not thread-safe, so each thread builds its own once.
_per_thread = threading.local()


def _cleaner():
    if not hasattr(_per_thread, "cleaner"):
        _per_thread.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LinkPolicy],
        )
    return _per_thread.cleaner


def sanitize_html(html):
    """Keep only the allowlisted markup of `html`."""
    return _cleaner().clean(html)


class _NoRawHtml(Extension):
    """Treat raw HTML in Markdown as text, so it is shown escaped, never parsed."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    word_count: int
    reading_minutes: int


def render_markdown(text):
    """Render Markdown to sanitized HTML, with a table of contents and reading time."""
    md = markdown.Markdown(
        extensions=[
            _NoRawHtml(),
            "markdown.extensions.toc",
            "markdown.extensions.tables",
            "markdown.extensions.footnotes",
            "markdown.extensions.sane_lists",
        ],
        extension_configs={
            "markdown.extensions.toc": {"toc_depth": "2-3"},
            "markdown.extensions.tables": {"use_align_attribute": True},
            "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Back to the text of note %d"},
        },
        output_format="html",
    )
    html = sanitize_html(md.convert(text or ""))
    toc_html = sanitize_html(md.toc) if md.toc_tokens else ""
    words = prose_word_count(text or "")
    return Rendered(
        html=html,
        toc_html=toc_html,
        word_count=words,
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
    )


# Links readers post are theirs, not ours: search engines must not read them
# as our endorsement, and the target page gets no handle on ours.
COMMENT_LINK_REL = "ugc nofollow noopener"


def _comment_link(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if not re.match(r"^https?://", href, re.IGNORECASE):
        return None  # leave it as text
    attrs[(None, "rel")] = COMMENT_LINK_REL
    return attrs


def render_comment(text):
    """A reader's plain text as safe HTML: escaped, paragraphs kept, web addresses linked."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(escape(line) for line in p.splitlines()) + "</p>" for p in paragraphs
    )
    html = bleach.linkify(html, callbacks=[_comment_link], parse_email=False)
    return sanitize_html(html)
