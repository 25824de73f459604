"""The image library's forms: uploading a picture, and editing its details."""

from django import forms

from .checks import ACCEPTED_NAMES, MAX_BYTES, MAX_PIXELS, MAX_RATIO, inspect_upload
from .models import Image

ACCEPT = "image/jpeg,image/png,image/webp,image/avif,.jpg,.jpeg,.png,.webp,.avif"
DETAIL_FIELDS = ["title", "alt_text", "decorative", "caption", "credit", "licence"]
WIDGETS = {
    "alt_text": forms.Textarea(attrs={"rows": 3, "cols": 80}),
    "caption": forms.Textarea(attrs={"rows": 2, "cols": 80}),
}


def _alt_or_decorative(form, cleaned):
    if not (cleaned.get("alt_text") or "").strip() and not cleaned.get("decorative"):
        form.add_error(
            "alt_text",
            "Say what the picture shows, for readers who can't see it; or, if it adds "
            "nothing to the text, tick “decorative”.",
        )


class ImageUploadForm(forms.ModelForm):
    """A new picture and its details; the file is checked by images.checks."""

    upload = forms.FileField(
        label="Picture",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=f"{ACCEPTED_NAMES}, up to {MAX_BYTES // 1024 // 1024} MB and "
        f"{MAX_PIXELS // 1_000_000} megapixels, no side over {MAX_RATIO} times the other. "
        "Not SVG.",
    )

    class Meta:
        model = Image
        fields = ["upload", "slug", *DETAIL_FIELDS]
        widgets = WIDGETS

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.inspected = inspect_upload(upload, upload.name)
        return upload

    def clean(self):
        cleaned = super().clean()
        _alt_or_decorative(self, cleaned)
        return cleaned


class ImageDetailsForm(forms.ModelForm):
    """The details of a picture in the library; the picture itself stays.

    `opened_version` is the version the editor opened: a save over a colleague's
    later change is refused and loses nothing of theirs."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Image
        fields = DETAIL_FIELDS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["opened_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        _alt_or_decorative(self, cleaned)
        # Locked until the admin's transaction ends: no save slips in between.
        current = Image.objects.select_for_update().get(pk=self.instance.pk)
        if cleaned.get("opened_version") != current.version:
            raise forms.ValidationError(
                "Someone changed this image's details after you opened it, so nothing of "
                "yours was saved. Copy your changes, reload the page and make them again.",
                code="stale",
            )
        return cleaned
