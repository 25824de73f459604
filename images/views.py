"""Serving renditions: through Django's default storage, cached for a year.

A rendition's name changes whenever its picture does (images/renditions.py), so
browsers and front caches may keep it forever ("immutable"). Originals are never
served: they may carry camera metadata, and readers need only the renditions.
"""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from .renditions import MIME_TYPES

# images/<slug>-<12 hex>/<width>.<ext>: nothing else is served.
RENDITION_NAME = re.compile(
    r"^images/[a-z0-9-]{1,100}-[0-9a-f]{12}/[0-9]{1,5}\.(avif|webp|jpg|png)$"
)
TYPE_OF_EXTENSION = {
    "avif": MIME_TYPES["avif"],
    "webp": MIME_TYPES["webp"],
    "jpg": MIME_TYPES["jpeg"],
    "png": MIME_TYPES["png"],
}
A_YEAR = 365 * 24 * 60 * 60


def rendition_file(request, name):
    """The bytes of the rendition stored as `name`, with its type and a year-long cache."""
    match = RENDITION_NAME.match(name)
    if match is None:
        raise Http404("No such picture.")
    try:
        file = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such picture.") from None
    response = FileResponse(file, content_type=TYPE_OF_EXTENSION[match.group(1)])
    response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    return response
