"""Renditions: the picture at a few widths in AVIF, WebP and a JPEG or PNG fallback.

Made once, when an image is added to the library (add_image), never while a
page is served. Each is stored through Django's default storage (STORAGES
"default": the file system unless configured otherwise) under
images/<slug>-<checksum>/<width>.<ext>, a name that changes whenever the
picture does, so it can be served with a year-long immutable cache.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, features

from .checks import EXTENSIONS, inspect_upload

# Widths readers' screens need in the article column (at most 46rem, 736 CSS pixels,
# so 1600 covers a 2x laptop); a picture is never enlarged. 720 is for the common
# phone (about 372 CSS pixels at 1.75-2x), where 800 wastes a sixth of the bytes.
WIDTHS = (480, 720, 800, 1200, 1600)
# What browsers are told of the slot the picture fills: the article column.
SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2.5rem)"
# The social card: the widest fallback rendition up to this width.
SOCIAL_CARD_WIDTH = 1200
MIME_TYPES = {
    "avif": "image/avif",
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
FILE_EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
# Encoder settings, chosen by eye on the launch diagrams: no visible loss at the
# sizes shown. AVIF at speed 7 made the same bytes as speed 6 for the cellulite
# diagram (1600 px: 49.7 KB) in 6.2 s instead of 14.4 s on the busy 2-core
# machine; speed 8 doubled the bytes. Upload and import wait for all renditions.
ENCODER_OPTIONS = {
    "avif": {"quality": 60, "speed": 7},
    "webp": {"quality": 80, "method": 5},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "png": {"optimize": True},
}


@dataclass(frozen=True)
class Picture:
    """An image as the Markdown renderer shows it; plain data, sent to its child process.

    sources: ((mime type, srcset), ...) for AVIF and WebP; fallback_src and
    fallback_srcset the JPEG or PNG; width and height of the widest rendition
    (pixels), so the browser reserves the right space before it loads.
    """

    slug: str
    alt: str
    decorative: bool
    caption: str
    credit: str
    width: int
    height: int
    sources: tuple
    fallback_src: str
    fallback_srcset: str
    sizes: str = SIZES


def widths_for(original_width):
    """The rendition widths of a picture `original_width` pixels wide, narrowest first."""
    widths = [w for w in WIDTHS if w < original_width]
    widest = min(original_width, WIDTHS[-1])
    return widths if widest in widths else [*widths, widest]


def fallback_format(picture):
    """JPEG for photos; PNG for pictures with transparency or few colours (diagrams)."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    if has_alpha or picture.format in ("PNG", "GIF"):
        return "png"
    return "jpeg"


def formats_for(picture):
    """AVIF (if this Pillow can write it: its wheels can), WebP, then the fallback."""
    modern = ["avif", "webp"] if features.check("avif") else ["webp"]
    return [*modern, fallback_format(picture)]


# Photos' colour profiles are turned into the web's own, sRGB, so every format
# shows the same colours (WebP and JPEG renditions would otherwise drop the profile).
SRGB = ImageCms.createProfile("sRGB")


def _upright(file):
    """The decoded picture, turned as the camera's tag says, in sRGB RGB(A); no metadata kept.

    A JPEG is decoded at the smallest scale still at least WIDTHS[-1] wide (a
    40-megapixel photo at a quarter: 1.5 s less work)."""
    with PillowImage.open(file) as opened:
        source_format = opened.format
        if source_format in ("JPEG", "MPO"):  # MPO: a JPEG with extra pictures
            turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            wanted = (1, WIDTHS[-1]) if turned else (WIDTHS[-1], 1)
            opened.draft(opened.mode, wanted)
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    icc_profile = picture.info.get("icc_profile")
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit grey (PNG): scaled to 8 bits; Pillow's own convert clips it to white.
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    if icc_profile:
        picture = _in_srgb(picture, icc_profile)
    picture.info.pop("icc_profile", None)
    picture.format = source_format
    return picture


def _in_srgb(picture, icc_profile):
    """`picture` (RGB or RGBA) turned from the colour space of `icc_profile` to sRGB;
    unchanged if the profile is not one lcms can read or is not RGB."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if source.profile.xcolor_space.strip() != "RGB":
            return picture
        return ImageCms.profileToProfile(
            picture, source, SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture


def _resized(picture, width):
    height = max(1, round(picture.height * width / picture.width))
    return picture if width == picture.width else picture.resize((width, height), 1)


def _encoded(resized, format_):
    if format_ == "jpeg" and resized.mode == "RGBA":
        resized = resized.convert("RGB")
    buffer = io.BytesIO()
    resized.save(buffer, format=format_.upper(), **ENCODER_OPTIONS[format_])
    return buffer.getvalue()


# Changes whenever what a rendition holds would: the widths, the encoder settings,
# or how the pixels are prepared (raise PREPARATION when _upright or resizing changes:
# 2 = colour profiles applied, 16-bit grey scaled, widths resized from the widest).
PREPARATION = 2
RECIPE = hashlib.sha256(
    repr((WIDTHS, sorted(ENCODER_OPTIONS.items()), PREPARATION)).encode()
).hexdigest()


def folder_of(image):
    """images/<slug>-<12 hex of the picture's checksum and the RECIPE>: a new
    name for every new picture or recipe, so a stored name never changes content."""
    key = hashlib.sha256(f"{image.checksum}:{RECIPE}".encode()).hexdigest()[:12]
    return f"images/{image.slug}-{key}"


def _whole(name):
    """Whether a picture stored as `name` exists and decodes to the end (at most
    1,600 pixels wide: milliseconds)."""
    if not default_storage.exists(name):
        return False
    try:
        with default_storage.open(name, "rb") as file, PillowImage.open(file) as stored:
            stored.load()
    except (OSError, SyntaxError, ValueError):
        return False
    return True


def make_renditions(image):
    """Make and store every rendition of `image` (a saved Image), replacing any it had.

    Returns the Rendition rows. Takes a second or two for a large photo (AVIF is
    the slow one); called at upload and import only.
    """
    from .models import Rendition

    with image.file.open("rb") as file:
        picture = _upright(file)
    # The widest rendition is made from the picture once, and the others from it:
    # a 40-megapixel photo is resized once, not once per width and format.
    widths = widths_for(picture.width)
    widest = _resized(picture, widths[-1])
    sized = {width: _resized(widest, width) for width in widths}
    folder = folder_of(image)
    made = []
    for format_ in formats_for(picture):
        for width in widths:
            name = f"{folder}/{width}.{FILE_EXTENSIONS[format_]}"
            height = sized[width].height
            if _whole(name):
                # Made before from the same picture by the same recipe (the
                # name says so): an import into a fresh database reuses it.
                size = default_storage.size(name)
            else:
                default_storage.delete(name)  # a part left by a write cut short, if any
                data = _encoded(sized[width], format_)
                name, size = default_storage.save(name, ContentFile(data)), len(data)
            made.append(
                Rendition(
                    image=image,
                    format=format_,
                    width=width,
                    height=height,
                    file=name,
                    file_size=size,
                )
            )
    image.renditions.all().delete()
    return Rendition.objects.bulk_create(made)


def add_image(upload, image):
    """Add a picture to the library: check it, store the original, make its renditions.

    upload: a Django File (an uploaded file, or a File around an open one).
    image: an unsaved Image with its slug and details (title, alt text,
    caption, credit, licence, uploaded_by ...); the picture's facts are filled in.
    Raises django ValidationError (checks.inspect_upload, the model's checks) for
    a file or details the library refuses; nothing is stored then. Returns image, saved.
    """
    inspected = inspect_upload(upload, getattr(upload, "name", "") or "")
    data = upload.read()
    image.checksum = hashlib.sha256(data).hexdigest()
    image.format, image.width, image.height = inspected.format, inspected.width, inspected.height
    image.file_size = len(data)
    image.full_clean(exclude=["file"])  # before anything is stored
    image.file = default_storage.save(
        f"originals/{image.slug}-{image.checksum[:12]}.{EXTENSIONS[inspected.format]}",
        ContentFile(data),
    )
    try:
        with transaction.atomic():
            image.save()
            make_renditions(image)
    except BaseException:
        default_storage.delete(image.file.name)  # no original without its library entry
        raise
    return image


def replace_picture(image, upload):
    """Give `image` a new picture (the import's way to update a changed drawing).

    Old renditions' files stay: published revisions may still point at them."""
    inspected = inspect_upload(upload, getattr(upload, "name", "") or "")
    data = upload.read()
    image.checksum = hashlib.sha256(data).hexdigest()
    image.format, image.width, image.height = inspected.format, inspected.width, inspected.height
    image.file_size = len(data)
    # A new FieldFile: the old one may hold the previous picture open, and
    # make_renditions would read that instead.
    image.file = default_storage.save(
        f"originals/{image.slug}-{image.checksum[:12]}.{EXTENSIONS[inspected.format]}",
        ContentFile(data),
    )
    fields = ["checksum", "format", "width", "height", "file_size", "file"]
    image.save_details(image.version, fields)
    make_renditions(image)


def picture_of(image, renditions=None):
    """The Picture of `image` from its renditions (fetched unless given)."""
    renditions = list(image.renditions.all() if renditions is None else renditions)
    by_format = {}
    for rendition in sorted(renditions, key=lambda r: r.width):
        by_format.setdefault(rendition.format, []).append(rendition)
    fallback = by_format.get("jpeg") or by_format.get("png") or []
    if not fallback:
        raise ValueError(f"image {image.slug} has no renditions")

    def srcset(items):
        return ", ".join(f"{url_of(r.file.name)} {r.width}w" for r in items)

    widest = fallback[-1]
    middle = next((r for r in fallback if r.width >= 800), widest)
    return Picture(
        slug=image.slug,
        alt=image.alt_text,
        decorative=image.decorative,
        caption=image.caption,
        credit=image.credit,
        width=widest.width,
        height=widest.height,
        sources=tuple(
            (MIME_TYPES[f], srcset(by_format[f])) for f in ("avif", "webp") if f in by_format
        ),
        fallback_src=url_of(middle.file.name),
        fallback_srcset=srcset(fallback),
    )


def social_card(image):
    """(url path, width, height, mime type) of the image's social-card rendition, or None."""
    candidates = [r for r in image.renditions.all() if r.format in ("jpeg", "png")]
    if not candidates:
        return None
    fitting = [r for r in candidates if r.width <= SOCIAL_CARD_WIDTH] or candidates
    best = max(fitting, key=lambda r: r.width)
    return url_of(best.file.name), best.width, best.height, MIME_TYPES[best.format]


def url_of(name):
    """The address readers fetch a stored rendition from (the media view)."""
    return reverse("image_file", args=[name])
