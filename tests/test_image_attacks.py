"""Uploads a careful attacker or an unlucky writer sends: each is refused in plain
words on the form (never a 500, nothing left in storage) or shown as it looks."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from PIL import ImageCms

from images import renditions
from images.models import Image
from tests import factories
from tests.test_image_library import ADD_URL, form_data, stored_files

pytestmark = pytest.mark.django_db


def encoded(picture, format_, **options):
    buffer = io.BytesIO()
    picture.save(buffer, format=format_, **options)
    return buffer.getvalue()


def post(client, data, name="photo.jpg", **fields):
    return client.post(ADD_URL, {**form_data(**fields), "upload": SimpleUploadedFile(name, data)})


def added(data, name):
    details = {k: v for k, v in form_data().items() if k != "slug"}
    return renditions.add_image(SimpleUploadedFile(name, data), Image(slug="added", **details))


def test_a_replaced_picture_gets_renditions_of_the_new_one():
    # The import replaces a changed drawing; the Image it was just added as must not
    # make the new renditions from the old file it still holds open.
    image = factories.library_image(width=600, height=400)  # (200, 120, 90)
    blue = encoded(PillowImage.new("RGB", (600, 400), (20, 40, 220)), "PNG")
    renditions.replace_picture(image, SimpleUploadedFile("blue.png", blue))
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as file, PillowImage.open(file) as shown:
            red, _, blue_ = shown.convert("RGB").getpixel((10, 10))
        assert blue_ > 180 and red < 60, rendition


def test_a_truncated_jpeg_is_refused_on_the_form_and_leaves_nothing(client, writer):
    photo = encoded(PillowImage.effect_noise((900, 600), 60).convert("RGB"), "JPEG")
    before = stored_files()
    client.force_login(writer)
    response = post(client, photo[: len(photo) // 2])
    assert response.status_code == 200
    assert "the file may be damaged" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize("size", [(1, 40_000), (12_000, 1), (600, 17_000)])
def test_a_strip_too_narrow_to_show_is_refused_in_words(client, writer, size):
    strip = encoded(PillowImage.new("L", size), "PNG")
    before = stored_files()
    client.force_login(writer)
    response = post(client, strip, "strip.png")
    assert response.status_code == 200
    assert "one side is more than 10 times as long as the other" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files() == before


def test_a_slug_articles_could_not_name_is_refused(client, writer):
    client.force_login(writer)
    data = factories.picture_bytes(200, 100)
    for slug in ["Skin_Layers", "skin--layers", "-skin"]:
        response = post(client, data, "skin.png", slug=slug)
        assert response.status_code == 200, slug
        assert "lowercase letters, digits and single hyphens" in response.content.decode()
    assert not Image.objects.exists()


def test_a_16_bit_greyscale_png_keeps_its_greys():
    grey = PillowImage.new("I;16", (600, 400), 32_768)  # half of 65,535: a middle grey
    image = added(encoded(grey, "PNG"), "grey.png")
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as file, PillowImage.open(file) as shown:
            red, green, blue = shown.convert("RGB").getpixel((300, 200))
        assert 120 <= red <= 135 and red == green == blue, (rendition, red)


def swapped_primaries_profile():
    """An RGB ICC profile that is not sRGB: sRGB's, with the red and blue primaries
    swapped in its tag table (so pure red in it is sRGB blue, and back)."""
    import struct

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"] + 4, entries[b"bXYZ"] + 4
    data[red : red + 8], data[blue : blue + 8] = data[blue : blue + 8], data[red : red + 8]
    data[84:100] = bytes(16)  # the profile ID (a checksum) no longer holds
    return bytes(data)


def test_a_photo_tagged_with_another_colour_space_shows_its_colours_in_every_format():
    # Phones tag photos with wider colour spaces than the web's sRGB: every rendition
    # must show the colours the photo's profile means, not its raw numbers.
    photo = encoded(
        PillowImage.new("RGB", (900, 600), (220, 20, 20)),
        "JPEG",
        icc_profile=swapped_primaries_profile(),
        quality=95,
    )
    image = added(photo, "tagged.jpg")
    for rendition in image.renditions.filter(width=480):
        with rendition.file.open("rb") as file, PillowImage.open(file) as shown:
            assert not shown.info.get("icc_profile"), rendition.format
            red, green, blue = shown.convert("RGB").getpixel((240, 160))
        assert blue > 150 and red < 100, (rendition.format, red, green, blue)  # it is blue


def test_a_picture_in_a_bio_is_used_and_cant_be_deleted(client, editor):
    from articles.models import Person
    from images.models import ImageInUse

    image = factories.library_image()
    Person.objects.create(name="Ana Example", slug="ana", bio="Ana.\n\n![](image:skin-diagram)")
    client.force_login(editor)
    page = client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "Ana Example</a> (bio)" in page
    page = client.get(f"/admin/images/image/{image.pk}/delete/").content.decode()
    assert "used in the bio of Ana Example (bio)" in page
    client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ImageInUse, match="the bio of Ana Example"):
        image.delete()
    assert Image.objects.filter(pk=image.pk).exists()
    assert "skin-diagram" in Person.objects.get().bio_html


def test_a_bio_naming_a_longer_slug_does_not_hold_a_shorter_one():
    from articles.models import Person

    factories.library_image(slug="skin-diagram-2")
    image = factories.library_image()
    Person.objects.create(name="Ana Example", slug="ana", bio="![](image:skin-diagram-2)")
    image.delete()
    assert not Image.objects.filter(slug="skin-diagram").exists()


def test_a_delete_that_fails_in_the_database_keeps_the_pictures_files(
    django_capture_on_commit_callbacks,
):
    from django.core.files.storage import default_storage
    from django.db import transaction

    image = factories.library_image()
    pk, names = image.pk, [r.file.name for r in image.renditions.all()] + [image.file.name]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            image.delete()
            raise RuntimeError("the database refused the delete (e.g. a colleague's article)")
    assert Image.objects.filter(pk=pk).exists()
    assert all(default_storage.exists(name) for name in names)


@pytest.mark.parametrize("orientation, size", [(1, (1700, 1000)), (6, (2000, 3400))])
def test_a_large_photo_decoded_smaller_keeps_its_full_width_and_its_turn(orientation, size):
    # JPEGs are decoded at the smallest scale still 1,600 pixels wide as shown (here
    # half, or none); a camera's quarter turn must count, or renditions come out narrow.
    exif = PillowImage.Exif()
    exif[0x0112] = orientation
    photo = encoded(PillowImage.new("RGB", (3400, 2000), (90, 120, 200)), "JPEG", exif=exif)
    assert renditions._upright(io.BytesIO(photo)).size == size


def test_a_camera_jpeg_with_a_second_picture_inside_is_taken_as_a_jpeg(client, writer):
    # Many cameras and phones write JPEGs with extra pictures (MPF: previews, depth
    # or HDR gain maps); Pillow calls them MPO. They are JPEGs; the first picture shows.
    buffer = io.BytesIO()
    first = PillowImage.new("RGB", (800, 600), (200, 30, 30))
    first.save(buffer, "MPO", save_all=True, append_images=[PillowImage.new("RGB", (80, 60))])
    client.force_login(writer)
    response = post(client, buffer.getvalue(), "IMG_0001.JPG")
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.format, image.width, image.height) == ("JPEG", 800, 600)
    assert image.file.name.endswith(".jpg")
    assert {r.format for r in image.renditions.all()} >= {"webp", "jpeg"}


def test_a_rendition_file_cut_short_earlier_is_made_again_not_reused():
    # A worker stopped mid-write (gunicorn's timeout, a full disk) leaves part of a
    # file under the rendition's name; reusing it would serve a broken picture for
    # a year (the name is cached as immutable).
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    data = encoded(PillowImage.effect_noise((640, 400), 40).convert("RGB"), "PNG")
    probe = Image(slug="added", checksum=hashlib.sha256(data).hexdigest())
    name = f"{renditions.folder_of(probe)}/480.webp"
    whole = renditions._encoded(PillowImage.new("RGB", (480, 300)), "webp")
    default_storage.delete(name)
    default_storage.save(name, ContentFile(whole[: len(whole) // 2]))
    image = added(data, "noise.png")
    stored = image.renditions.get(format="webp", width=480)
    with stored.file.open("rb") as file, PillowImage.open(file) as shown:
        shown.load()
        assert shown.size == (480, 300)
