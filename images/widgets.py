"""The article editor's "insert a picture" control (static JS, so the admin's CSP holds)."""

from django import forms
from django.utils.html import format_html, format_html_join


class MarkdownWithPictures(forms.Textarea):
    """A Markdown textarea with a list of library pictures and an "Insert picture" button.

    Without JavaScript the control stays hidden and the field's help text gives
    the syntax: ![](image:slug) on a line of its own.
    """

    class Media:
        js = ["js/image-picker.js"]

    def render(self, name, value, attrs=None, renderer=None):
        from .models import Image

        textarea = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or f"id_{name}"
        images = Image.objects.order_by("title").values_list("slug", "title")
        options = format_html_join(
            "", '<option value="{}">{} ({})</option>', ((s, t, s) for s, t in images)
        )
        picker = format_html(
            '<div class="image-picker" data-for="{field}" hidden>'
            '<label for="{field}-picture">Picture from the library</label> '
            '<select id="{field}-picture">{options}</select> '
            '<button type="button" class="button">Insert picture</button> '
            '<span class="help">Goes in where the cursor is, as a paragraph of its own.</span>'
            "</div>",
            field=field_id,
            options=options,
        )
        if not images:
            picker = format_html(
                '<p class="help">{}</p>',
                "The image library is empty: upload a picture under Images first.",
            )
        return textarea + picker
