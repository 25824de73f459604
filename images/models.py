"""The image library: pictures editors upload, and the renditions readers get.

An Image keeps its original file private (it may carry camera metadata); readers
only ever get Renditions, made once when the picture is added (images/renditions.py),
stored through Django's default storage under names that change whenever the
picture does, so they can be cached for a year.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mesoguide.characters import validate_one_line, validate_storable

from .signals import details_changed

STORABLE = [validate_storable]
# Every detail of a picture is one line (mesoguide/characters.py).
ONE_LINE = [validate_storable, validate_one_line]
# What ![](image:slug) in an article can name (articles/rendering.py IMAGE_SLUG)
# and the media view serves: Django's own slug check lets "Skin_Layers" through.
validate_image_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    "Use lowercase letters, digits and single hyphens only (no capitals, spaces or "
    "underscores, no hyphen at either end), e.g. skin-layers.",
    code="invalid_slug",
)


class ImageInUse(Exception):
    """An image that articles still show, so it can't be deleted; `uses` names them."""

    def __init__(self, image, uses):
        self.image, self.uses = image, uses
        names = "; ".join(uses)
        super().__init__(
            f"“{image.title}” can't be deleted: it is used in {names}. "
            "Take it out of those first (and publish the articles), then delete it."
        )


class StaleImage(Exception):
    """A save based on a version of the image's details that someone has changed since."""


class Image(models.Model):
    slug = models.SlugField(
        unique=True,
        max_length=80,
        validators=[validate_image_slug],
        help_text="How articles refer to it: ![](image:this-slug). Lowercase letters, "
        "digits and hyphens; fixed once uploaded.",
    )
    title = models.CharField(
        max_length=200, validators=ONE_LINE, help_text="For the library list; readers don't see it."
    )
    file = models.FileField(max_length=300, editable=False)
    format = models.CharField(max_length=10, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    file_size = models.PositiveIntegerField(editable=False, help_text="Bytes.")
    checksum = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the file.")

    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        validators=ONE_LINE,
        help_text="What the picture shows, for readers who can't see it: one or two sentences. "
        "Required unless the picture is decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the picture adds nothing to the text (screen readers skip it).",
    )
    caption = models.CharField(
        max_length=300, blank=True, validators=ONE_LINE, help_text="Shown under the picture."
    )
    credit = models.CharField(
        max_length=200,
        validators=ONE_LINE,
        help_text="Who made it, shown under the picture: 'MesoGuide' for our own drawings.",
    )
    licence = models.CharField(
        max_length=200,
        validators=ONE_LINE,
        help_text="Under what terms we use it, e.g. 'Our own work' or 'CC BY 4.0'.",
    )

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    source_path = models.CharField(
        max_length=300, blank=True, editable=False, help_text="Set by import_content."
    )
    # The version import_content left: any other means an editor changed it since.
    imported_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Counts every saved change of the details; a form's save names the
    # version it started from (compare-and-set in one UPDATE).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text="") | Q(decorative=True),
                name="image_has_alt_or_is_decorative",
            )
        ]

    def __str__(self):
        return self.title

    def save_details(self, expected_version, fields):
        """Write the details in `fields` if the row is still at `expected_version`.

        Raises StaleImage (and writes nothing) if a colleague saved in between."""
        values = {name: getattr(self, name) for name in fields}
        updated = Image.objects.filter(pk=self.pk, version=expected_version).update(
            **values, version=expected_version + 1
        )
        if not updated:
            raise StaleImage(self.pk)
        self.version = expected_version + 1
        details_changed.send(sender=Image, image=self)

    def uses(self):
        """[usage.Use]: what shows this image now or is on its way to readers."""
        from .usage import uses_of

        return uses_of(self)

    def delete(self, *args, **kwargs):
        """Delete the image and its files, unless an article uses it (raises ImageInUse).

        The files go only once the database has deleted the row, so a delete that
        fails or is rolled back leaves every picture readers see in place."""
        with transaction.atomic():
            # Locked first, as a save showing the picture locks it (lock_pictures), so
            # the two wait for each other and the check below sees that save.
            list(Image.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            uses = [f"{use.title} ({use.how})" for use in self.uses()]
            if uses:
                raise ImageInUse(self, uses)
            names = [r.file.name for r in self.renditions.all()]
            names += [self.file.name] if self.file.name else []
            deleted = super().delete(*args, **kwargs)
            transaction.on_commit(lambda: _delete_files(names))
        return deleted


def _delete_files(names):
    """Remove the stored files `names` (an image's original and renditions)."""
    for name in names:
        default_storage.delete(name)


class Rendition(models.Model):
    """One resized, re-encoded copy of an image that readers download."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=10)  # avif, webp, jpeg or png
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=300)
    file_size = models.PositiveIntegerField(help_text="Bytes.")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "format", "width"], name="one_rendition_per_format_and_width"
            )
        ]

    def __str__(self):
        return f"{self.image.slug} {self.width}px {self.format}"

    @property
    def url(self):
        return reverse("image_file", args=[self.file.name])


def lock_pictures(slugs):
    """Lock the library images named by `slugs` until the transaction ends, so none
    is deleted under a text that shows it; returns the slugs no longer in the library
    (a set, empty when all are there). Call inside a transaction."""
    slugs = set(slugs)
    if not slugs:
        return set()
    found = Image.objects.select_for_update().filter(slug__in=slugs).values_list("slug", flat=True)
    return slugs - set(found)
