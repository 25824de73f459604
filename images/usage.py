"""Who shows a library image. The library knows no content app: the apps that
show pictures (articles: revisions, social cards, bios) register a finder here,
next to their models, and the library asks them before a delete and for its
"Used in" column.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """One thing showing an image: `title` ("How it works" or "the bio of Ann
    Lee"), `how` in words ("live, social card"), `admin_url` of its screen."""

    title: str
    how: str
    admin_url: str


_finders = []


def register(finder):
    """Add `finder(image) -> list[Use]` (a decorator)."""
    _finders.append(finder)
    return finder


def uses_of(image):
    """Every Use of `image`, from every registered finder."""
    return [use for finder in _finders for use in finder(image)]
