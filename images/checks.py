"""What an uploaded picture must be before the library takes it.

Pillow reads the file's own header, whatever its name says: the format, the
size in pixels. Only JPEG, PNG, WebP and AVIF are taken; SVG never (it can
carry scripts and links to other sites). Files over MAX_BYTES or MAX_PIXELS
are refused before any pixel is decoded, so a decompression bomb (a small file
that unpacks to gigabytes) costs a header read.
"""

import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from PIL import UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# A longer side over ten times the shorter is a strip no article column can show
# (the renditions of a 1,600-pixel-wide one would pass WebP's 16,383-pixel limit).
MAX_RATIO = 10
# Pillow's name for each format we take, and what editors call it.
ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "AVIF": "AVIF"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
ACCEPTED_NAMES = "JPEG, PNG, WebP or AVIF"


@dataclass(frozen=True)
class Inspected:
    format: str  # a key of ACCEPTED
    width: int  # pixels, as shown (after the camera's rotation tag)
    height: int


def _looks_like_svg(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]


def inspect_upload(file, name=""):
    """Check an uploaded picture; return its format and size in pixels.

    file: a binary file object (read from the start; left at the start).
    name: the name it was sent under, for messages only.
    Raises ValidationError, in words for an editor, for a file over MAX_BYTES,
    one that is not a JPEG, PNG, WebP or AVIF picture whatever its extension
    says (SVG included), one over MAX_PIXELS, and a damaged one.
    """
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size > MAX_BYTES:
        raise ValidationError(
            f"The file is {size / 1024 / 1024:.1f} MB; the library takes pictures of up to "
            f"{MAX_BYTES // 1024 // 1024} MB. Export it smaller (2,000 pixels wide is plenty).",
            code="too_large",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    head = file.read(2048)
    file.seek(0)
    if _looks_like_svg(head) or name.lower().endswith((".svg", ".svgz")):
        raise ValidationError(
            "SVG files are not accepted (they can hold scripts and links to other sites). "
            "Export the drawing as PNG.",
            code="svg",
        )
    try:
        with warnings.catch_warnings():
            # Our own limit, checked just below before any pixel is decoded, is
            # lower than Pillow's warning; its error (twice as far) still stops it.
            warnings.simplefilter("ignore", PillowImage.DecompressionBombWarning)
            # Reads the header only: no pixel is decoded yet.
            with PillowImage.open(file, formats=list(ACCEPTED)) as picture:
                format_, (width, height) = picture.format, picture.size
                # Pillow names a JPEG with extra pictures in it (cameras' previews,
                # phones' depth or HDR maps) MPO: it is a JPEG, shown as its first.
                format_ = "JPEG" if format_ == "MPO" else format_
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                if max(width, height) > MAX_RATIO * min(width, height):
                    raise _too_thin(width, height)
                picture.verify()  # checks the data's integrity without keeping pixels
            file.seek(0)
            with PillowImage.open(file, formats=list(ACCEPTED)) as picture:
                orientation = picture.getexif().get(0x0112, 1)
                # verify() reads no JPEG data: decode it, at an eighth of its size so
                # it costs little, so a file cut short is refused here, on the form,
                # not later in the renditions.
                if picture.format in ("JPEG", "MPO"):
                    picture.draft(picture.mode, (max(1, width // 8), max(1, height // 8)))
                picture.load()
    except PillowImage.DecompressionBombError:
        # Pillow's own alarm, raised while opening: far over our limit.
        raise ValidationError(
            f"The picture unpacks to far more than {MAX_PIXELS // 1_000_000} megapixels "
            "(a decompression bomb); the library refuses it.",
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            f"This file is not a {ACCEPTED_NAMES} picture, whatever its name says. "
            "Save it in one of those formats and upload it again.",
            code="not_a_picture",
        ) from None
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        raise ValidationError(
            f"The picture could not be read; the file may be damaged ({error}).",
            code="damaged",
        ) from None
    finally:
        file.seek(0)
    if orientation in (5, 6, 7, 8):  # the camera's tag turns it a quarter
        width, height = height, width
    return Inspected(format_, width, height)


def _too_thin(width, height):
    return ValidationError(
        f"The picture is {width:,} × {height:,} pixels: one side is more than {MAX_RATIO} "
        "times as long as the other, too thin a strip to show in an article. "
        "Crop it, or cut it into parts.",
        code="too_thin",
    )


def _too_many_pixels(width, height):
    return ValidationError(
        f"The picture is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} megapixels); "
        f"the library takes up to {MAX_PIXELS // 1_000_000} megapixels. Make it smaller.",
        code="too_many_pixels",
    )
