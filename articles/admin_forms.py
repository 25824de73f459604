"""Forms of the editors' screens: the article editor (text saved as a new
revision, stale saves refused) and the workflow action form."""

import difflib

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mesoguide.characters import validate_storable

from .models import Article, Revision
from .rendering import MAX_MARKDOWN_CHARS, validate_markdown


def revision_diff_table(old_text, new_text, old_label, new_label):
    """A side-by-side diff of two texts as an HTML table (difflib escapes the text)."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        old_text.splitlines(), new_text.splitlines(), old_label, new_label, context=True, numlines=2
    )
    # difflib escapes the texts it puts in the table, so the table itself is safe markup.
    return format_html('<div class="revision-diff">{}</div>', mark_safe(table))  # noqa: S308


class ArticleEditForm(forms.ModelForm):
    """Structure of the article plus the text of a new revision.

    `based_on` carries the revision the editor opened; if another revision was
    saved since, the save is refused and the editor's text is kept in the form
    next to a diff, so nothing is lost.
    """

    title = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"size": 80}), validators=[validate_storable]
    )
    summary = forms.CharField(
        max_length=300,
        validators=[validate_storable],
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Shown in listings and as the meta description (300 characters at most).",
    )
    body = forms.CharField(
        max_length=MAX_MARKDOWN_CHARS,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "markdown-editor"}),
        help_text="Markdown. Cite every claim with a footnote: text[^key], and under '## Sources' "
        "[^key]: Authors. *Title.* Journal, year. <https://doi.org/...> "
        f"At most {MAX_MARKDOWN_CHARS:,} characters.",
        validators=[validate_storable, validate_markdown],
        error_messages={
            "max_length": f"The text can be at most {MAX_MARKDOWN_CHARS:,} characters "
            "(it has %(show_value)d): split it into two articles."
        },
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ["kind", "slug", "topic", "author", "order", "review_interval_months"]

    conflict_diff = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = self.instance.latest_revision if self.instance.pk else None
        if latest is not None and not self.is_bound:
            self.initial.update(
                title=latest.title, summary=latest.summary, body=latest.body, based_on=latest.pk
            )
        if self.instance.first_published_at is not None and "slug" in self.fields:
            # Readers and search engines know the URL; changing it would break their links.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed once published, so links keep working."

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Locked until the admin's transaction ends, so no save can slip in
        # between this check and ours.
        current = Article.objects.select_for_update().get(pk=self.instance.pk).latest_revision
        based_on = cleaned.get("based_on")
        if current is not None and based_on != current.pk:
            self.conflict_diff = revision_diff_table(
                current.body,
                cleaned.get("body", ""),
                f"Revision {current.number} (saved by {current.created_by or 'import'})",
                "Your text (not saved)",
            )
            # The next save is based on the revision now current: the editor merges, then saves.
            self.data = self.data.copy()
            self.data["based_on"] = current.pk
            raise forms.ValidationError(
                "Someone saved revision %(number)s of this article while you were editing. "
                "Your text was not saved: it is still in the form below, with the differences "
                "shown. Merge the changes and save again.",
                code="edit_conflict",
                params={"number": current.number},
            )
        return cleaned

    def text_changed(self):
        latest = self.instance.latest_revision if self.instance.pk else None
        if latest is None:
            return True
        return any(self.cleaned_data[k] != getattr(latest, k) for k in ("title", "summary", "body"))

    def based_on_revision(self):
        pk = self.cleaned_data.get("based_on")
        return Revision.objects.filter(pk=pk).first() if pk else None


class WorkflowActionForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[validate_storable]
    )
    publish_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to publish now.",
    )
    unpublish_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    change_summary = forms.CharField(required=False, max_length=300, validators=[validate_storable])
    material = forms.BooleanField(required=False)
