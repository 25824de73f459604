"""The image library: what an upload must be, who may do what, renditions made once,
how they are served, and that a picture an article shows can't be deleted."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from images import checks, renditions
from images.checks import inspect_upload
from images.models import Image, ImageInUse, Rendition
from tests import factories

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/images/image/add/"


def bomb_png(width, height):
    """A real decompression bomb: a valid 1-bit PNG of width x height pixels, all
    black, whose few kilobytes unpack to width * height / 8 bytes and far more
    once decoded. Written chunk by chunk, so making it costs no memory."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte, then the row's bits
    compressed = [compressor.compress(row * 1000) for _ in range(height // 1000)]
    compressed.append(compressor.compress(row * (height % 1000)) + compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(compressed))
        + chunk(b"IEND", b"")
    )


def upload(data, name):
    return SimpleUploadedFile(name, data)


def stored_files():
    root = default_storage.location
    import os

    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def form_data(**overrides):
    data = {
        "title": "Skin layers",
        "slug": "skin-layers",
        "alt_text": "Layers of the skin, with the fat below.",
        "caption": "The skin's layers.",
        "credit": "MesoGuide",
        "licence": "Original MesoGuide drawing",
    }
    data.update(overrides)
    return data


# --- What an upload must be ------------------------------------------------------------


def test_a_decompression_bomb_is_refused_from_its_header(client, writer):
    bomb = bomb_png(10_000, 10_000)  # 100 megapixels in about 15 KB
    assert len(bomb) < 100_000
    before = stored_files()
    client.force_login(writer)
    response = client.post(ADD_URL, {**form_data(), "upload": upload(bomb, "cells.png")})
    assert response.status_code == 200
    assert "10,000 × 10,000 pixels (100 megapixels)" in response.content.decode()
    assert "up to 40 megapixels" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == before


def test_a_bomb_past_pillows_own_alarm_is_refused_in_plain_words():
    bomb = bomb_png(20_000, 20_000)  # 400 megapixels: Pillow refuses it while opening
    with pytest.raises(ValidationError, match="decompression bomb"):
        inspect_upload(io.BytesIO(bomb), "cells.png")


def test_a_picture_over_40_megapixels_is_refused():
    with pytest.raises(ValidationError, match="8,000 × 6,000 pixels \\(48 megapixels\\)"):
        inspect_upload(io.BytesIO(bomb_png(8_000, 6_000)), "wide.png")


def test_a_file_over_20_mb_is_refused_before_it_is_read():
    big = io.BytesIO(factories.picture_bytes() + bytes(checks.MAX_BYTES))
    with pytest.raises(ValidationError, match="the library takes pictures of up to 20 MB"):
        inspect_upload(big, "huge.png")


@pytest.mark.parametrize(
    "data, name",
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (b"MZ\x90\x00\x03\x00\x00\x00 not a picture", "photo.png"),
        (factories.picture_bytes(format="GIF"), "animation.png"),
        (factories.picture_bytes(format="BMP"), "photo.jpg"),
    ],
)
def test_a_file_whose_extension_lies_is_refused(client, writer, data, name):
    client.force_login(writer)
    response = client.post(ADD_URL, {**form_data(), "upload": upload(data, name)})
    assert response.status_code == 200
    assert "is not a JPEG, PNG, WebP or AVIF picture, whatever its name says" in (
        response.content.decode()
    )
    assert not Image.objects.exists()


def test_a_real_picture_under_the_wrong_extension_is_stored_as_what_it_is(client, writer):
    client.force_login(writer)
    response = client.post(
        ADD_URL, {**form_data(), "upload": upload(factories.picture_bytes(), "photo.jpg")}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.format == "PNG"
    assert image.file.name.endswith(".png")


@pytest.mark.parametrize(
    "data, name",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "d.svg"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "d.png"),
    ],
)
def test_svg_is_not_accepted(data, name):
    with pytest.raises(ValidationError, match="SVG files are not accepted"):
        inspect_upload(io.BytesIO(data), name)


def test_alt_text_is_required_unless_the_picture_is_decorative(client, writer):
    client.force_login(writer)
    picture = factories.picture_bytes()
    response = client.post(
        ADD_URL, {**form_data(alt_text=""), "upload": upload(picture, "skin.png")}
    )
    assert response.status_code == 200
    assert "Say what the picture shows, for readers who can" in response.content.decode()
    assert not Image.objects.exists()

    response = client.post(
        ADD_URL,
        {**form_data(alt_text="", decorative="on"), "upload": upload(picture, "skin.png")},
    )
    assert response.status_code == 302
    assert Image.objects.get().decorative


def test_the_database_refuses_an_image_without_alt_text_or_the_decorative_tick():
    from django.db import IntegrityError

    image = factories.library_image()
    with pytest.raises(IntegrityError):
        Image.objects.filter(pk=image.pk).update(alt_text="", decorative=False)


# --- Who does what, and what they see ----------------------------------------------------


def test_a_writer_uploads_and_the_library_records_who_and_when(client, writer):
    client.force_login(writer)
    response = client.post(
        ADD_URL, {**form_data(), "upload": upload(factories.picture_bytes(900, 500), "a.png")}
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == writer
    assert (image.width, image.height) == (900, 500)
    # 480, 720 and 800 wide, and the picture's own 900, in each of three formats.
    kinds = set(image.renditions.values_list("format", "width"))
    assert kinds == {(f, w) for f in ("avif", "webp", "png") for w in (480, 720, 800, 900)}

    listing = client.get("/admin/images/image/").content.decode()
    thumbnail = image.renditions.get(format="webp", width=480)
    assert thumbnail.url in listing  # the writer sees the thumbnail
    page = client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "by Writer Tester on" in page
    assert "No article uses it." in page
    # Writers upload; changing details and deleting are the editors'.
    assert 'name="alt_text"' not in page
    assert client.get(f"/admin/images/image/{image.pk}/delete/").status_code == 403


def test_an_editor_changes_details_but_not_over_a_colleagues_later_change(client, editor):
    image = factories.library_image()
    client.force_login(editor)
    page = client.get(f"/admin/images/image/{image.pk}/change/")
    assert 'name="alt_text"' in page.content.decode()
    Image.objects.filter(pk=image.pk).update(caption="A colleague's caption.", version=2)
    response = client.post(
        f"/admin/images/image/{image.pk}/change/",
        {**form_data(caption="Mine."), "opened_version": 1},
    )
    assert "Someone changed this image" in response.content.decode()
    assert Image.objects.get(pk=image.pk).caption == "A colleague's caption."

    response = client.post(
        f"/admin/images/image/{image.pk}/change/",
        {**form_data(caption="Mine."), "opened_version": 2},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.caption, image.version) == ("Mine.", 3)


# --- Renditions: made once, served for a year ------------------------------------------


@pytest.mark.parametrize(
    "width, widths",
    [
        (300, [300]),
        (480, [480]),
        (1000, [480, 720, 800, 1000]),
        (1600, [480, 720, 800, 1200, 1600]),
        (4000, [480, 720, 800, 1200, 1600]),  # never wider than the widest screen needs
    ],
)
def test_rendition_widths_never_enlarge_or_repeat(width, widths):
    assert renditions.widths_for(width) == widths


def test_renditions_are_made_at_upload_and_never_while_pages_are_served(client, monkeypatch):
    image = factories.library_image(width=1000, height=600)
    made = Rendition.objects.count()
    assert made == 12

    def no_encoding(*args, **kwargs):
        raise AssertionError("a rendition was made while serving")

    monkeypatch.setattr(renditions, "_encoded", no_encoding)
    monkeypatch.setattr(renditions, "make_renditions", no_encoding)
    body = factories.BODY + "\n![](image:skin-diagram)\n"
    article = factories.published_article(slug="with-picture", body=body, image=image)
    for _ in range(2):
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert "skin-diagram" in page.content.decode()
        for rendition in Rendition.objects.all():
            assert client.get(rendition.url).status_code == 200
    assert Rendition.objects.count() == made


def test_a_rendition_is_served_with_its_type_and_a_year_long_immutable_cache(client):
    image = factories.library_image(width=600, height=300)
    types = {"avif": "image/avif", "webp": "image/webp", "png": "image/png"}
    for rendition in image.renditions.all():
        response = client.get(rendition.url)
        assert response.status_code == 200
        assert response["Content-Type"] == types[rendition.format]
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert b"".join(response.streaming_content)[:4] != b""
        assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    "name",
    [
        "originals/skin-diagram-0123456789ab.png",
        "images/../originals/x.png",
        "images/skin-diagram-0123456789ab/480.svg",
        "../settings.py",
    ],
)
def test_originals_and_anything_but_renditions_are_not_served(client, name):
    factories.library_image()
    assert client.get(reverse("image_file", args=[name])).status_code == 404


def test_originals_are_not_reachable_even_by_their_stored_name(client):
    image = factories.library_image()
    assert default_storage.exists(image.file.name)
    assert client.get(reverse("image_file", args=[image.file.name])).status_code == 404


def test_renditions_keep_no_camera_metadata():
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    exif = PillowImage.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS position
    exif[0x0110] = "Camera model"
    PillowImage.new("RGB", (300, 200), (10, 20, 30)).save(buffer, "JPEG", exif=exif)
    from images.models import Image as LibraryImage

    image = renditions.add_image(
        SimpleUploadedFile("photo.jpg", buffer.getvalue()),
        LibraryImage(
            slug="photo", title="Photo", alt_text="A dark square.", credit="Us", licence="Ours"
        ),
    )
    for rendition in image.renditions.all():
        with default_storage.open(rendition.file.name) as stored:
            assert not PillowImage.open(stored).getexif()


# --- Deleting -----------------------------------------------------------------------------


def test_a_picture_a_live_article_shows_cannot_be_deleted(client, editor):
    image = factories.library_image()
    factories.published_article(
        slug="with-picture",
        title="Skin explained",
        body=factories.BODY + "\n![](image:skin-diagram)\n",
    )
    client.force_login(editor)
    page = client.get(f"/admin/images/image/{image.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "used in “Skin explained” (live)" in page
    assert "have permission" not in page  # the reason is the use, not a missing right

    client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ImageInUse, match="Skin explained"):
        image.delete()
    change_page = client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "Skin explained" in change_page and "(live)" in change_page


def test_a_social_card_picture_cannot_be_deleted(client, editor):
    image = factories.library_image()
    factories.published_article(slug="shared", title="Shared article", image=image)
    with pytest.raises(ImageInUse, match=r"Shared article.*social card"):
        image.delete()


def test_an_unused_picture_is_deleted_with_its_files(
    client, editor, django_capture_on_commit_callbacks
):
    image = factories.library_image()
    names = [r.file.name for r in image.renditions.all()] + [image.file.name]
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
