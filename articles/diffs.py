"""Differences between two texts, as editors read them: word by word, with
insertions in <ins> and deletions in <del>.

- `rendered_diff` compares two revisions' rendered HTML (what readers see) with
  lxml's htmldiff, which keeps the markup and marks changed words. Its output is
  sanitized again (rendering.sanitize_diff_html: the article allowlist plus
  <ins>/<del>, no ids), so even hostile input cannot leave script or event
  attributes in the page.
- `text_diff` compares plain text (a title, a summary, the Markdown source) word
  by word with difflib, escaping every word; line breaks are kept and the page
  wraps long lines (white-space: pre-wrap), so there is no gutter, no line
  numbers and no horizontal scrolling.

Both put a visually hidden "inserted:" / "deleted:" before each change and
"end" after it, so screen readers announce them; the stylesheet underlines
insertions and strikes deletions as well as colouring them.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from lxml.etree import LxmlError
from lxml.html.diff import htmldiff

from mesoguide.characters import UNSTORABLE, without_unstorable
from mesoguide.time_limit import ChildFailed, TimeLimitExceeded, call_with_time_limit

from .rendering import sanitize_diff_html

# Screen readers read these; eyes get the underline and strike-through.
INSERTED = '<ins><span class="visually-hidden">inserted: </span>'
DELETED = '<del><span class="visually-hidden">deleted: </span>'
END_INSERTED = '<span class="visually-hidden"> (end of insertion)</span></ins>'
END_DELETED = '<span class="visually-hidden"> (end of deletion)</span></del>'

# A word diff's cost can grow with (words of one text) x (words of the other):
# two 300,000-character texts took up to 11 s here (htmldiff, a few words
# repeated) and 16 s (source, distinct words), 20,000 characters at most 0.33 s
# (bench/diff_cost.py). Above IN_PROCESS_CHARS (both texts together) a
# comparison runs in a child process stopped after DIFF_SECONDS of processor
# time, and the text is then shown whole, without marks.
DIFF_SECONDS = 3.0
IN_PROCESS_CHARS = 20_000

# Words and the spaces between them, apart: a change of line breaks alone is
# marked as such, not as the word before it deleted and inserted again.
_WORDS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Comparison:
    """A diff ready for a template: `html` is safe markup; `changed` says whether
    anything differs; `complete` is False when the texts were too costly to compare."""

    html: str
    changed: bool
    complete: bool = True


def _labelled(html):
    # The sanitizer leaves <ins> and <del> without attributes, so these are exact.
    return (
        html.replace("<ins>", INSERTED)
        .replace("</ins>", END_INSERTED)
        .replace("<del>", DELETED)
        .replace("</del>", END_DELETED)
    )


# A character reference such as "&#8;" (Markdown passes it through as written).
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _without_control_references(html):
    def replace(match):
        hex_digits, digits = match.groups()
        code = int(hex_digits, 16) if hex_digits else int(digits)
        if code > 0x10FFFF or UNSTORABLE.match(chr(code)):
            return "\N{REPLACEMENT CHARACTER}"
        return match.group(0)

    return _NUMERIC_REFERENCE.sub(replace, without_unstorable(html))


def _htmldiff(old_html, new_html):
    # lxml refuses control characters, also when written as "&#8;": shown as U+FFFD.
    return htmldiff(_without_control_references(old_html), _without_control_references(new_html))


def rendered_diff(old_html, new_html):
    """Compare two rendered (sanitized) HTML texts. Returns a Comparison whose html
    is the new text with deleted words in <del> and inserted words in <ins>."""
    if old_html == new_html:
        return Comparison(mark_safe(sanitize_diff_html(new_html)), changed=False)  # noqa: S308
    try:
        if len(old_html) + len(new_html) <= IN_PROCESS_CHARS:
            marked = _htmldiff(old_html, new_html)
        else:
            marked = call_with_time_limit(_htmldiff, old_html, new_html, seconds=DIFF_SECONDS)
    except (TimeLimitExceeded, ChildFailed, ValueError, LxmlError):
        # Too costly, or markup lxml cannot hold (a control character written as
        # an entity): the new text whole, unmarked, rather than no page.
        return Comparison(mark_safe(sanitize_diff_html(new_html)), changed=True, complete=False)  # noqa: S308
    # Sanitized after the comparison, so nothing htmldiff emits reaches the page unchecked.
    return Comparison(mark_safe(_labelled(sanitize_diff_html(marked))), changed=True)  # noqa: S308


def _word_opcodes(old_words, new_words):
    # difflib's "autojunk" (tokens in over 1% of a long text, such as a space, only
    # extend matches) keeps "a b a b ..." texts cheap (minutes without it); tokens
    # just under 1% are not, so long texts still go to the time-limited child.
    return difflib.SequenceMatcher(None, old_words, new_words).get_opcodes()


def text_diff(old, new):
    """Compare two plain texts word by word. Returns a Comparison whose html is the
    escaped new text with deletions and insertions marked; spaces and line breaks kept."""
    old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    if old == new:
        return Comparison(escape(new), changed=False)
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    try:
        if len(old) + len(new) <= IN_PROCESS_CHARS:
            opcodes = _word_opcodes(old_words, new_words)
        else:
            opcodes = call_with_time_limit(
                _word_opcodes, old_words, new_words, seconds=DIFF_SECONDS
            )
    except (TimeLimitExceeded, ChildFailed):
        return Comparison(escape(new), changed=True, complete=False)
    parts = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            parts.append(escape("".join(new_words[j1:j2])))
            continue
        if tag in {"delete", "replace"}:
            parts.append(f"{DELETED}{escape(''.join(old_words[i1:i2]))}{END_DELETED}")
        if tag in {"insert", "replace"}:
            parts.append(f"{INSERTED}{escape(''.join(new_words[j1:j2]))}{END_INSERTED}")
    return Comparison(mark_safe("".join(parts)), changed=True)  # noqa: S308
