"""Readability and word counts of an article's Markdown body.

The body a reader reads is measured: the sources list (everything from the
final "## Sources" heading on), footnote markers, link targets and Markdown
punctuation are left out, since they are not prose. Run it as a script to
check files while writing:  python articles/readability.py content/articles/*.md
"""

import re
import sys

SOURCES_HEADING = re.compile(r"^##\s+Sources\s*$", re.MULTILINE)
FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:.*(?:\n(?:[ \t]+.*)?)*", re.MULTILINE)
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]]+\]")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
AUTOLINK = re.compile(r"<https?://[^>]+>")
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE)
EMPHASIS = re.compile(r"[*_`>|]+")
ATTR_LIST = re.compile(r"\{:[^}]*\}")


def split_front_matter(text):
    """Return (front matter text, body) of a content file; front matter may be empty."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[4:end], text[end + 5 :]
    return "", text


def prose_of(markdown_body):
    """The reader-facing prose of a Markdown body, as plain sentences."""
    match = SOURCES_HEADING.search(markdown_body)
    text = markdown_body[: match.start()] if match else markdown_body
    text = FOOTNOTE_DEFINITION.sub("", text)
    text = FOOTNOTE_REFERENCE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = AUTOLINK.sub("", text)
    text = ATTR_LIST.sub("", text)
    # A heading or list item is a sentence of its own for the formula.
    text = HEADING.sub(r"\1.", text)
    text = LIST_MARKER.sub("", text)
    text = EMPHASIS.sub("", text)
    lines = [line.strip() for line in text.splitlines()]
    sentences = []
    for line in lines:
        if not line:
            continue
        sentences.append(line if line[-1] in ".!?:" else line + ".")
    return "\n".join(sentences)


def word_count(markdown_body):
    return len(re.findall(r"\b[\w'-]+\b", prose_of(markdown_body)))


def grade_level(markdown_body):
    """Flesch-Kincaid grade of the prose (needs the textstat package)."""
    import textstat

    return textstat.flesch_kincaid_grade(prose_of(markdown_body))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            _, body = split_front_matter(handle.read())
        definitions = len(re.findall(r"^\[\^[^\]]+\]:", body, re.MULTILINE))
        print(
            f"{path}: grade {grade_level(body):.1f}, {word_count(body)} words, "
            f"{definitions} sources"
        )
