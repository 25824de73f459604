"""Markdown to safe HTML: the one renderer and the one sanitizer allowlist.

Everything authors or readers write reaches a page only through this module.
Markdown runs with raw HTML switched off (it is shown as text), then bleach
keeps only the tags, attributes and URL schemes listed here.
"""

import functools
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.html import escape, format_html
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from mesoguide.characters import is_invisible, without_unstorable
from mesoguide.time_limit import ChildFailed, TimeLimitExceeded, call_with_time_limit

from .readability import word_count as prose_word_count

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "a", "em", "strong", "code", "pre", "blockquote", "sup", "sub",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
        "div", "nav",
        # Pictures from the image library only (see "Pictures" below).
        "figure", "figcaption", "picture", "source", "img", "small",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# The only classes our Markdown extensions emit; anything else is dropped so
# authors cannot borrow the site's own styles (e.g. a fake "paid link" label).
ALLOWED_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref", "toc"})
# Ids come only from our extensions below: letters and digits of any script,
# "_" and "-", so no markup and nothing a URL fragment needs to escape.
SAFE_ID = re.compile(r"^[\w-]+$")
WORDS_PER_MINUTE = 200

# Bounds on what one text may cost to render (admin save and preview, import).
MAX_MARKDOWN_CHARS = 300_000
MAX_NESTING = 12  # levels of lists and quotes; far past any article, far below Python's stack
MAX_HTML_CHARS = 1_500_000  # a small text can expand ~360-fold (reference links)
RENDER_SECONDS = 1.5  # of processor time: accepted text renders in under 2 s here


# The only elements that keep an id (headings below the page's h1, footnotes).
ID_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "li", "sup"})


_PICTURE_TYPES = frozenset({"image/avif", "image/webp"})
_SIZES = re.compile(r"^[\w\s():.,+-]{1,200}$")


def _allowed_picture_attribute(tag, name, value):
    if name in {"srcset", "sizes"}:
        return bool(_SIZES.match(value)) if name == "sizes" else True  # srcset: _LinkPolicy
    if tag == "source":
        return name == "type" and value in _PICTURE_TYPES
    if name in {"width", "height"}:
        return value.isdigit()
    return (
        name in {"src", "alt"}
        or (name == "loading" and value == "lazy")
        or (name == "decoding" and value == "async")
    )


def _allowed_attribute(tag, name, value):
    if tag in {"img", "source"}:
        return _allowed_picture_attribute(tag, name, value)
    if name == "id":
        return tag in ID_TAGS and bool(SAFE_ID.match(value))
    if name == "class":
        return tag in {"a", "div"} and value in ALLOWED_CLASSES
    if tag == "a":
        return name in {"href", "title", "rel", "aria-label"}
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


# A picture's address must be a path on this site: readers' browsers fetch
# nothing from anywhere else (the privacy page promises it).
SAFE_PICTURE_SRC = re.compile(r"^/(?![/\\])[\w./-]+$")


def _same_site_picture(attrs):
    urls = [attrs.get((None, "src"), "")] if (None, "src") in attrs else []
    srcset = attrs.get((None, "srcset"))
    if srcset is not None:
        urls += [candidate.strip().split(" ")[0] for candidate in srcset.split(",")]
    return bool(urls) and all(SAFE_PICTURE_SRC.match(url) for url in urls)


class _LinkPolicy(Filter):
    """Drop hrefs outside SAFE_HREF; give links that leave the site rel="noopener";
    drop any picture whose address is not on this site."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "EmptyTag" and token["name"] in {"img", "source"}:
                if not _same_site_picture(token["data"]):
                    continue
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if href and (not SAFE_HREF.match(href) or _holds_hidden_characters(href)):
                    del attrs[(None, "href")]
                elif urlsplit(href).scheme in {"http", "https"}:
                    rel = set(attrs.get((None, "rel"), "").split()) | {"noopener"}
                    attrs[(None, "rel")] = " ".join(sorted(rel))
            yield token


def _holds_hidden_characters(href):
    # A zero-width space or a bidirectional override makes a link go somewhere
    # other than what it shows.
    return any(is_invisible(char) or char.isspace() for char in href)


# bleach's Cleaner is not thread-safe, so each thread builds its own once.
_per_thread = threading.local()


def _cleaner(name="cleaner", tags=None, attributes=None):
    """This thread's bleach Cleaner `name` (made once: building one is costly)."""
    cleaner = getattr(_per_thread, name, None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS if tags is None else tags,
            attributes=attributes or _allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LinkPolicy],
        )
        setattr(_per_thread, name, cleaner)
    return cleaner


def sanitize_html(html):
    """Keep only the allowlisted markup of `html`."""
    return _cleaner().clean(html)


# A comparison of two rendered texts (articles/diffs.py) may also mark what was
# inserted and deleted. It drops ids: both versions of a heading or footnote can
# appear side by side, and a page may hold an id only once.
DIFF_TAGS = ALLOWED_TAGS | {"ins", "del"}


def _allowed_diff_attribute(tag, name, value):
    return name != "id" and _allowed_attribute(tag, name, value)


def sanitize_diff_html(html):
    """Keep only the allowlisted markup of a diff of two rendered texts, plus <ins> and <del>
    without attributes, and no ids."""
    return _cleaner("diff_cleaner", DIFF_TAGS, _allowed_diff_attribute).clean(html)


class _NoRawHtml(Extension):
    """Treat raw HTML in Markdown as text, so it is shown escaped, never parsed."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


# --- In-page anchors ---------------------------------------------------------------
# Every href="#..." the renderer writes must reach exactly one id, whatever the
# heading's script or the footnote's label, and no id may take one the page
# itself uses (tests/test_hostile_text.py reads the templates to keep this list true).
PAGE_IDS = frozenset(
    {
        "main", "content-main", "guide", "comments", "comments-title", "comment-form",
        "comment-form-title", "picks-title", "related-title", "share-title", "search-q",
        "site-search-q", "publish-at", "unpublish-at", "change-summary", "conflict-heading",
        "workflow-heading", "my-work-heading", "for-you-heading",
    }
)  # fmt: skip
PAGE_ID_PREFIXES = (
    "comment-", "newsletter-", "note-", "partner-", "restore-", "topic-", "kept-", "id_", "why-",
    "admin-",
)  # fmt: skip
HEADING_ID_CHARS = 80


def heading_id(text, separator="-"):
    """The anchor of a heading: its words in any script, lowercased, hyphenated.

    Python-Markdown's toc makes it unique on the page (adding _1, _2 ...).
    """
    slug = slugify_unicode(text, separator)[:HEADING_ID_CHARS].strip("-_")
    if slug in PAGE_IDS or slug.startswith(PAGE_ID_PREFIXES):
        slug = f"section-{slug}"
    return slug


def footnote_label_id(label):
    """A footnote label as id text, one-to-one: letters, digits and "-" of any script
    stay; anything else (spaces, punctuation) becomes _hex_, and "_" becomes "__"."""
    return "".join(
        char
        if (char.isalnum() or char == "-") and re.fullmatch(r"\w|-", char)
        else "__"
        if char == "_"
        else f"_{ord(char):x}_"
        for char in label
    )


class _Footnotes(FootnoteExtension):
    """Footnotes whose ids are safe for any label ("fn-<label>", "fnref-<label>")."""

    def __init__(self, **kwargs):
        super().__init__(SEPARATOR="-", **kwargs)

    def makeFootnoteId(self, id):  # noqa: N802 (Markdown's API name)
        return super().makeFootnoteId(footnote_label_id(id))

    def makeFootnoteRefId(self, id, found=False):  # noqa: N802 (Markdown's API name)
        return super().makeFootnoteRefId(footnote_label_id(id), found)


class _InPageLinksResolve(Treeprocessor):
    """Last step: an in-page link whose target is not in the text loses its href
    ("#top" stays: browsers take it to the top of any page); a footnote's links
    back to its citations get names a screen reader can tell apart."""

    def run(self, root):
        self._name_backlinks(root)
        ids = {el.get("id") for el in root.iter() if el.tag in ID_TAGS and el.get("id")}
        ids.add("top")
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith("#") and href[1:] not in ids:
                del link.attrib["href"]

    @staticmethod
    def _name_backlinks(root):
        # "Back to citation 2 of source 3" and a compact ↩, ↩2, ↩3, instead of a
        # row of identical ↩ all named "Back to the text of note 3". Python-Markdown
        # numbers citations in paragraphs before those in lists, so they are put
        # in reading order first.
        reading_order = {el.get("id"): n for n, el in enumerate(root.iter("sup"))}
        for source, note in enumerate(root.iterfind(".//div[@class='footnote']/ol/li"), 1):
            backlinks = []
            for parent in note.iter():
                backlinks += [(parent, a) for a in parent if a.get("class") == "footnote-backref"]
            if not backlinks:
                continue
            parent = backlinks[0][0]
            first = min(list(parent).index(link) for _, link in backlinks)
            for _, link in backlinks:
                parent.remove(link)
            backlinks = sorted(
                (link for _, link in backlinks),
                key=lambda link: reading_order.get(link.get("href", "")[1:], 0),
            )
            for offset, link in enumerate(backlinks):
                parent.insert(first + offset, link)
            for citation, link in enumerate(backlinks, 1):
                name = f"Back to citation {citation} of source {source}"
                if len(backlinks) == 1:
                    name = f"Back to where source {source} is cited"
                link.set("aria-label", name)
                link.set("title", name)
                link.text = "\u21a9" if citation == 1 else f"\u21a9{citation}"


class _SafeAnchors(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_InPageLinksResolve(md), "in_page_links", 1)  # after toc (5)


# --- Pictures -------------------------------------------------------------------------
# ![alt override](image:slug) shows a picture of the image library (images/) as
# <figure><picture>: AVIF and WebP sources, a JPEG or PNG fallback at several
# widths, its width and height, lazily loaded below the first blocks, and a
# caption with the credit. The parent process looks the slugs up and sends the
# child their renditions as plain data (images.renditions.Picture).
IMAGE_SCHEME = "image:"
IMAGE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IMAGE_TARGETS = re.compile(r"image:([a-z0-9]+(?:-[a-z0-9]+)*)")
# Pictures among the first blocks of a text may be on screen when the page
# opens, so the browser fetches them at once; later ones when scrolled near.
EAGER_BLOCKS = 3


def image_slugs_in(text):
    """Every slug written as image:slug in `text` (a superset of the pictures it shows)."""
    return sorted(set(_IMAGE_TARGETS.findall(text)))


def _line_of(text, target):
    """The line (1-based) where `target` is first given as a picture's address."""
    match = re.search(r"(?:\]\(\s*<?|\]:\s*<?)" + re.escape(target), text)
    index = match.start() if match else text.find(target)
    return text.count("\n", 0, max(index, 0)) + 1


class _Figures(Treeprocessor):
    """Turn each library picture standing as its own paragraph into a <figure>;
    refuse pictures from other sites, unknown slugs and pictures inside text."""

    def __init__(self, md, pictures, text):
        super().__init__(md)
        self.pictures, self.text = pictures, text
        self.shown = []

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            src = img.get("src", "")
            line = _line_of(self.text, src)
            if not src.startswith(IMAGE_SCHEME):
                raise MarkdownRefused(
                    f"Line {line}: the picture at “{src[:80]}” is not from our image library. "
                    "Upload it under Images and write ![](image:slug): readers' browsers "
                    "fetch pictures from this site only, never from another.",
                    line=line,
                )
            slug = src[len(IMAGE_SCHEME) :]
            picture = self.pictures.get(slug)
            if picture is None:
                raise MarkdownRefused(
                    f"Line {line}: there is no image “{slug}” in the image library. Check "
                    "the slug (Images in the admin lists them) or upload the picture first.",
                    line=line,
                )
            paragraph = parents.get(img)
            alone = (
                paragraph is not None
                and paragraph.tag == "p"
                and parents.get(paragraph) is root
                and len(paragraph) == 1
                and not (paragraph.text or "").strip()
                and not (img.tail or "").strip()
            )
            if not alone:
                raise MarkdownRefused(
                    f"Line {line}: a picture must be a paragraph of its own (a blank line "
                    "before and after it), not inside a sentence, list, quote, link or table.",
                    line=line,
                )
            position = list(root).index(paragraph)
            figure = self._figure(picture, img.get("alt", ""), lazy=position >= EAGER_BLOCKS)
            root.remove(paragraph)
            root.insert(position, figure)
            self.shown.append(slug)

    @staticmethod
    def _figure(picture, alt_override, lazy):
        from xml.etree import ElementTree as etree

        figure = etree.Element("figure")
        frame = etree.SubElement(figure, "picture")
        for mime_type, srcset in picture.sources:
            etree.SubElement(frame, "source", type=mime_type, srcset=srcset, sizes=picture.sizes)
        alt = alt_override.strip() or ("" if picture.decorative else picture.alt)
        img = etree.SubElement(
            frame,
            "img",
            src=picture.fallback_src,
            srcset=picture.fallback_srcset,
            sizes=picture.sizes,
            width=str(picture.width),
            height=str(picture.height),
            alt=alt,
            decoding="async",
        )
        if lazy:
            img.set("loading", "lazy")
        if picture.caption or picture.credit:
            caption = etree.SubElement(figure, "figcaption")
            caption.text = picture.caption
            if picture.credit:
                credit = etree.SubElement(caption, "small")
                credit.text = f"Credit: {picture.credit}"
                if picture.caption:
                    caption.text = f"{picture.caption} "
        return figure


class _LibraryPictures(Extension):
    def __init__(self, pictures, text):
        super().__init__()
        self.pictures, self.text = pictures, text
        self.processor = None

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        self.processor = _Figures(md, self.pictures, self.text)
        md.treeprocessors.register(self.processor, "library_pictures", 15)  # after inline (20)


def library_pictures(slugs):
    """{slug: Picture} of the image library's images among `slugs` (the default lookup)."""
    from images.lookup import pictures_by_slug

    return pictures_by_slug(slugs)


# --- Rendering within bounds ----------------------------------------------------------


class MarkdownRefused(ValueError):
    """Text the renderer will not take; `message` says why, `line` (1-based) where, if known."""

    def __init__(self, message, line=None):
        self.message, self.line = message, line
        super().__init__(message)

    def __reduce__(self):  # raised in the renderer's child: keep the line across the pipe
        return (MarkdownRefused, (self.message, self.line))


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    word_count: int
    reading_minutes: int
    image_slugs: tuple = ()  # the library pictures shown, in order


_NESTING_MARKER = re.compile(r"[ \t]*(?:>|[*+-](?=[ \t])|\d+[.)](?=[ \t]))[ \t]*")


def _nesting(line):
    """How many list and quote levels a line opens: its markers, plus its
    indentation (4 columns a level) when it holds a marker."""
    markers, position = 0, 0
    while match := _NESTING_MARKER.match(line, position):
        if match.end() == position:
            break
        markers, position = markers + 1, match.end()
    if not markers:
        return 0
    indent = len(line) - len(line.lstrip(" \t"))
    return markers + line[:indent].expandtabs(4).count("    ")


def check_limits(text):
    """Raise MarkdownRefused if `text` is longer or nested deeper than the renderer takes."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownRefused(
            f"The text is {len(text):,} characters long; the limit is {MAX_MARKDOWN_CHARS:,}. "
            "Split it into two articles."
        )
    # Lines as Markdown counts them: split at "\n" only (not at U+2028 and the like).
    for number, line in enumerate(text.split("\n"), 1):
        if _nesting(line) > MAX_NESTING:
            raise MarkdownRefused(
                f"Lists or quotes are nested more than {MAX_NESTING} levels deep on line "
                f"{number}; readers can't follow that many levels.",
                line=number,
            )


def validate_markdown(text):
    """Django validator: the renderer's refusal (size, nesting, time) as a field error."""
    from django.core.exceptions import ValidationError

    try:
        render_markdown(text)
    except MarkdownRefused as refused:
        raise ValidationError(refused.message, code="markdown_refused") from None


def render_markdown(text, pictures=None):
    """Render Markdown to sanitized HTML, with a table of contents and reading time.

    text: Markdown, at most MAX_MARKDOWN_CHARS characters. Returns Rendered.
    pictures: a function from a list of slugs to {slug: images.renditions.Picture}
    for those that exist (default: the image library, library_pictures).
    Raises MarkdownRefused (with a message for the editor, naming the line where
    it can) for text over the size or nesting limits, that takes over
    RENDER_SECONDS to render (some bracket patterns cost Python-Markdown
    quadratic time), or that shows a picture from another site, an image the
    library lacks, or a picture inside a sentence.
    """
    text = text or ""
    check_limits(text)
    slugs = image_slugs_in(text)
    found = (pictures or library_pictures)(slugs) if slugs else {}
    return _render_in_child(text, tuple(sorted(found.items())))


@functools.lru_cache(maxsize=8)  # a form's check and the save that follows render once
def _render_in_child(text, pictures=()):
    try:
        return call_with_time_limit(_render, text, pictures, seconds=RENDER_SECONDS)
    except TimeLimitExceeded:
        raise MarkdownRefused(
            f"The text took more than {RENDER_SECONDS:g} seconds of processing to render, so "
            "it was not saved. Long runs of unmatched brackets such as [[[ or [^ cause this "
            "(remove them or escape them as \\[), and so does a very long text dense with "
            "markup (split it into two articles)."
        ) from None
    except RecursionError:
        raise MarkdownRefused(
            "The text is nested too deeply to render (brackets, emphasis, lists or quotes "
            "inside each other): simplify it."
        ) from None
    except ChildFailed:
        raise MarkdownRefused("The text could not be rendered: the renderer stopped.") from None


def _check_html_size(chars):
    if chars > MAX_HTML_CHARS:
        raise MarkdownRefused(
            f"The text expands to {chars:,} characters of HTML; the limit is "
            f"{MAX_HTML_CHARS:,}. Repeated reference links cause this: shorten the text."
        )


def _render(text, pictures=()):
    """The renderer itself, unbounded: run only through render_markdown."""
    library = _LibraryPictures(dict(pictures), text)
    md = markdown.Markdown(
        extensions=[
            _NoRawHtml(),
            "markdown.extensions.toc",
            "markdown.extensions.tables",
            _Footnotes(BACKLINK_TITLE="Back to the text of note %d"),
            "markdown.extensions.sane_lists",
            _SafeAnchors(),
            library,
        ],
        extension_configs={
            "markdown.extensions.toc": {"toc_depth": "2-3", "slugify": heading_id},
            "markdown.extensions.tables": {"use_align_attribute": True},
        },
        output_format="html",
    )
    raw_html = md.convert(text)
    # Checked before sanitizing too: bleach is the slow part on megabytes, and a
    # slow machine would otherwise refuse on time with a vaguer message.
    _check_html_size(len(raw_html))
    html = sanitize_html(raw_html)
    toc_html = sanitize_html(md.toc) if md.toc_tokens else ""
    _check_html_size(len(html) + len(toc_html))
    words = prose_word_count(text)
    return Rendered(
        html=html,
        toc_html=toc_html,
        word_count=words,
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        image_slugs=tuple(library.processor.shown),
    )


# Links readers post are theirs, not ours: search engines must not read them
# as our endorsement, and the target page gets no handle on ours.
COMMENT_LINK_REL = "ugc nofollow noopener"

# A web address as a reader types it: http(s):// or www., then anything up to
# a space, a quote or an angle bracket (so <https://...> and "https://..." work).
_TYPED_URL = re.compile(r"(?<![\w.@/])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
# Characters that end a sentence rather than an address, when they come last.
_SENTENCE_END = ".,:;!?'\"*_~"
_OPENING = {")": "(", "]": "[", "}": "{"}


def _without_sentence_end(url):
    """The address without what closes the sentence or brackets around it:
    a closing bracket stays only if the address opened it (Foo_(bar))."""
    while url:
        last = url[-1]
        if last in _SENTENCE_END or (
            last in _OPENING and url.count(last) > url.count(_OPENING[last])
        ):
            url = url[:-1]
        else:
            break
    return url


def _linkable(url, before, after):
    # A link must be exactly what the reader sees: nothing invisible in it or
    # touching it (a zero-width space, a bidirectional override).
    if any(is_invisible(char) for char in url + before + after):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an unclosed [IPv6 address
        return False


def _linked_line(line):
    """One line of a reader's text as escaped HTML, its web addresses linked."""
    pieces, position = [], 0
    for match in _TYPED_URL.finditer(line):
        url = _without_sentence_end(match.group())
        start, end = match.start(), match.start() + len(url)
        href = url if "://" in url else f"http://{url}"
        if not _linkable(href, line[start - 1 : start], line[end : end + 1]):
            continue
        pieces.append(escape(line[position:start]))
        pieces.append(format_html('<a href="{}" rel="{}">{}</a>', href, COMMENT_LINK_REL, url))
        position = end
    pieces.append(escape(line[position:]))
    return "".join(pieces)


def render_comment(text):
    """A reader's plain text as safe HTML: escaped, paragraphs kept, web addresses linked.

    Only addresses typed with http://, https:// or www. become links, each exactly as
    typed: brackets, quotes and the full stop around it stay outside; one with an
    invisible or bidirectional character in it or touching it stays text.
    Control characters are dropped (mesoguide/characters.py); the rest of the
    reader's text is kept exactly, right-to-left marks included.
    """
    text = without_unstorable(text or "").strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(_linked_line(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )
    return sanitize_html(html)
