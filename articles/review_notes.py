"""Review notes that quote a passage: the quote must be words of the revision
under review, so the writer can find what the note is about.

A reviewer selects the passage on the review screen (static/js/review-quote.js
copies the selection, without deleted words and screen-reader labels) or pastes
it. It is checked against the revision's title, summary and text, both as
readers see it and as Markdown source; spaces and line breaks don't count, since
a selection across paragraphs or list items breaks lines where the stored text
has none.
"""

import html
import re

from django.utils.html import strip_tags

MAX_QUOTE_CHARS = 1_000
_SPACE = re.compile(r"\s+")
# The labels read to screen readers on a marked text (articles/diffs.py) come
# along when a passage is copied by hand: they are not the writer's words.
_DIFF_LABELS = re.compile(r"inserted: |deleted: | ?\(end of (?:insertion|deletion)\)")


def _squeezed(text):
    return _SPACE.sub("", text)


def revision_words(revision):
    """The revision's title, summary and text (rendered and source), spaces removed."""
    rendered = html.unescape(strip_tags(revision.body_html))
    return _squeezed("\n".join([revision.title, revision.summary, rendered, revision.body]))


def quote_problem(revision, quote):
    """Why `quote` can't go with a note on this revision ("Quoted passage: ..."), or None.
    An empty quote is fine: not every note is about one passage."""
    words = normalized_quote(quote)
    if not words:
        return None
    if len(words) > MAX_QUOTE_CHARS:
        return (
            f"Quoted passage: at most {MAX_QUOTE_CHARS:,} characters (it has {len(words):,}). "
            "Quote the sentence the note is about."
        )
    if _squeezed(words) not in revision_words(revision):
        return (
            f"Quoted passage: these words are not in revision {revision.number}. Copy them "
            "out of the text shown, leaving out struck-through (deleted) words."
        )
    return None


def normalized_quote(quote):
    """The quote as kept: without the marked text's screen-reader labels, surrounding
    spaces trimmed, Windows line ends made plain."""
    return _DIFF_LABELS.sub("", quote.replace("\r\n", "\n")).strip()
