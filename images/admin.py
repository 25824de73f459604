"""The image library in the admin: writers upload, editors manage; both see thumbnails,
who uploaded each picture and when, and which articles use it."""

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .forms import DETAIL_FIELDS, ImageDetailsForm, ImageUploadForm
from .models import Image, ImageInUse
from .renditions import add_image


def _thumbnail(image, width):
    small = min(
        (r for r in image.renditions.all() if r.format in ("webp", "jpeg", "png")),
        key=lambda r: (r.format != "webp", r.width),
        default=None,
    )
    if small is None:
        return "—"
    height = round(width * image.height / image.width)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="image-thumbnail">',
        small.url,
        image.alt_text,
        width,
        height,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "title", "slug", "used_in_count", "uploader", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_select_related = ["uploaded_by"]
    search_fields = ["slug", "title", "alt_text", "caption", "credit"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "picture_facts", "uploaded", "used_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageDetailsForm if obj is not None else ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["upload", "title", "slug"]}), self._details_fieldset()]
        details = self._details_fieldset()
        if self.has_change_permission(request, obj):
            details[1]["fields"] = [*details[1]["fields"], "opened_version"]
        return [
            (None, {"fields": ["preview", "picture_facts", "uploaded", "used_in"]}),
            details,
        ]

    @staticmethod
    def _details_fieldset():
        return ("What readers are told", {"fields": [f for f in DETAIL_FIELDS if f != "title"]})

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = [*self.readonly_fields]
        if not self.has_change_permission(request, obj):
            fields += DETAIL_FIELDS
        return fields

    # --- columns and read-only facts --------------------------------------------

    @admin.display(description="Picture")
    def thumbnail(self, image):
        return _thumbnail(image, 96)

    @admin.display(description="Preview")
    def preview(self, image):
        return _thumbnail(image, 480)

    @admin.display(description="The picture")
    def picture_facts(self, image):
        return format_html(
            "{} × {} pixels, {} ({}). In articles: <code>![](image:{})</code>",
            image.width,
            image.height,
            image.format,
            filesizeformat(image.file_size),
            image.slug,
        )

    @admin.display(description="Uploaded by", ordering="uploaded_by__username")
    def uploader(self, image):
        if image.uploaded_by:
            return image.uploaded_by.get_full_name() or image.uploaded_by.get_username()
        return "the content import" if image.source_path else "someone whose account is gone"

    @admin.display(description="Uploaded")
    def uploaded(self, image):
        who = self.uploader(image)
        when = timezone.localtime(image.uploaded_at)
        return f"by {who} on {when:%-d %b %Y %H:%M} ({when.tzname()})"

    @admin.display(description="Used in")
    def used_in(self, image):
        lines = [(use.admin_url, use.title, use.how) for use in image.uses()]
        if not lines:
            return "No article uses it."
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 (a constant)
            '<a href="{}">{}</a> ({})',
            lines,
        )

    @admin.display(description="Used in")
    def used_in_count(self, image):
        count = len(image.uses())
        return f"{count} place{'s' if count != 1 else ''}" if count else "—"

    # --- saving and deleting --------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
            add_image(form.cleaned_data["upload"], obj)
            return
        obj.save_details(form.cleaned_data["opened_version"], DETAIL_FIELDS)
        if obj.uses():
            messages.info(
                request,
                "Articles show the details as they were when their text was last saved: "
                "the new ones reach readers with each article's next published revision.",
            )

    def save_related(self, request, form, formsets, change):
        """Nothing to do: an Image has no many-to-many fields or inlines, and save_model
        wrote the row (and its renditions) itself without form.save(), so Django's
        form.save_m2m(), which this would call, does not exist here."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The articles that use a picture are the reason it stays, listed as such
        # (not as articles the editor may not delete, which is how Django would put it).
        protected = [
            f"{image.title}: used in {use.title} ({use.how})"
            for image in objs
            for use in image.uses()
        ]
        if protected:
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            obj.delete()
        except ImageInUse as refused:  # an article started using it meanwhile
            self.message_user(request, str(refused), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            self.delete_model(request, image)
