"""Which characters text may hold: one rule per kind of character, for every entrance.

- **Unstorable**: C0 controls other than tab, line feed and carriage return; DEL and
  the C1 controls; lone surrogates; Unicode noncharacters. PostgreSQL refuses NUL,
  and XML 1.0 (so RSS and Atom) refuses most C0 controls, so a stored one can break
  a feed for every reader. Editors' text holding one is refused, naming the
  character and where it is (`validate_storable`, `first_unstorable`): it is
  reviewed text, and nobody should change it silently. Readers' text (comments,
  search queries, URL parameters) has them removed (`without_unstorable`): a
  reader can't see them to delete them. Exits that must stay valid whatever was
  stored before (feeds) remove them too.
- **Line breaks** in a one-line field (a title, a name, a caption, alt text, a
  change summary): refused in editors' text at every entrance
  (`validate_one_line`), since such a value goes where a line break starts a new
  line of its own, such as a plain-text e-mail, and could pass for the message's
  text. Readers' one-line text (a comment's name) has them folded into a space
  (`mesoguide.forms.ReaderLineField`), and exits that put a value stored before
  the rule into a mail or a headline fold it too (`one_line`).
- **Invisible** (format characters such as a zero-width space, and the
  bidirectional overrides and isolates, U+202A-U+202E and U+2066-U+2069, which
  can make text read differently from what it holds): kept in prose, where
  scripts and right-to-left writers need them, but a web address holding or
  touching one is never linked (`is_invisible`), so a link always goes where it
  reads.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
UNSTORABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_CONTROL_NAMES = {
    "\x00": "null",
    "\x08": "backspace",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "escape",
    "\x7f": "delete",
}


def describe(char):
    """'U+000B (vertical tab)': a character as an editor can look it up."""
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "").lower()
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def first_unstorable(text):
    """(index, character) of the first unstorable character in `text`, or None."""
    match = UNSTORABLE.search(text or "")
    return (match.start(), match.group()) if match else None


def unstorable_message(text):
    """Why `text` can't be stored, in an editor's words, or '' when it can."""
    found = first_unstorable(text)
    if found is None:
        return ""
    index, char = found
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    before = " ".join(text[max(0, index - 20) : index].split())
    where = f"line {line}, column {column}" if "\n" in text else f"character {index + 1}"
    after = f', after "{before}"' if before else ""
    return (
        f"Contains an invisible control character, {describe(char)}, at {where}{after}. "
        "It can't be stored or sent in feeds: delete it (retyping the words around it helps)."
    )


@deconstructible
class StorableTextValidator:
    """Django validator: refuses text holding an unstorable character, saying where it is."""

    code = "unstorable_character"

    def __call__(self, value):
        message = unstorable_message(value if isinstance(value, str) else str(value))
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, StorableTextValidator)


validate_storable = StorableTextValidator()


# Line feed, carriage return and the other characters Python's splitlines() breaks at.
LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line_message(text):
    """Why `text` can't be a one-line field, in an editor's words, or '' when it can."""
    match = LINE_BREAK.search(text or "")
    if match is None:
        return ""
    before = " ".join(text[max(0, match.start() - 20) : match.start()].split())
    after = f" after “{before}”" if before else " at its start"
    return f"Must be one line: it has a line break{after}. Join the lines."


@deconstructible
class OneLineValidator:
    """Django validator: refuses a line break in a one-line field, saying where it is."""

    code = "line_break"

    def __call__(self, value):
        message = one_line_message(value if isinstance(value, str) else str(value))
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, OneLineValidator)


validate_one_line = OneLineValidator()


def one_line(text, max_length=None):
    """`text` on one line: every run of white space, line breaks included, as one
    space. With `max_length`, cut to at most that many characters, an ellipsis
    ending a cut one (a 300-character account name in a headline)."""
    folded = " ".join((text or "").split())
    if max_length is not None and len(folded) > max_length:
        return folded[: max_length - 1].rstrip() + "…"
    return folded


# A person's name in a headline or after "Hello": an account name of hundreds of
# characters would push the rest of the line (the article's title) out.
NAME_IN_A_LINE = 80


def name_in_a_line(name):
    """A person's name for a headline or a mail's greeting: on one line, at most
    NAME_IN_A_LINE characters."""
    return one_line(name, NAME_IN_A_LINE)


def without_unstorable(text):
    """`text` with every unstorable character removed."""
    return UNSTORABLE.sub("", text or "")


# Unicode's default-ignorable code points that are not format characters: they
# show nothing either (Hangul fillers, the grapheme joiner, variation selectors).
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]"
)


def is_invisible(char):
    """True for characters that show nothing but change what text holds: control and
    format characters (zero-width space, bidirectional controls ...), line and
    paragraph separators, and the other default-ignorable code points."""
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"} or bool(
        _IGNORABLE.match(char)
    )


@deconstructible
class VisibleAddressValidator:
    """Django validator for e-mail addresses: refuses invisible characters, which
    mail software drops or keeps unpredictably, so the mail would go elsewhere."""

    def __call__(self, value):
        if any(is_invisible(char) for char in str(value)):
            raise ValidationError(
                "Enter an email address like name@example.com (this one holds an invisible "
                "character).",
                code="invalid",
            )

    def __eq__(self, other):
        return isinstance(other, VisibleAddressValidator)


validate_visible_address = VisibleAddressValidator()
