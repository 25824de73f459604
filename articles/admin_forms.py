"""Forms of the editors' screens: the article editor (text saved as a new
revision, stale saves refused) and the workflow action form."""

from dataclasses import dataclass

from django import forms
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.text import slugify

from images.models import lock_pictures
from mesoguide.characters import validate_one_line, validate_storable

from . import workflow
from .admin_widgets import ArticleTextBox
from .diffs import text_diff
from .models import Article, Kind, Revision
from .rendering import MAX_MARKDOWN_CHARS, image_slugs_in, validate_markdown
from .wording import event_words, person_words
from .workflow import PLACEMENT_FIELDS


def revision_diff_table(old_text, new_text, old_label, new_label):
    """Two texts compared word by word (articles/diffs.py): the new text, with what only
    the old one has struck through and what only the new one has underlined."""
    comparison = text_diff(old_text, new_text)
    key = (
        "Struck through: only in “{}”. Underlined: only in “{}”."
        if comparison.complete
        else "Too different from “{}” to mark word by word: “{}” is shown in full."
    )
    return format_html(
        '<div class="revision-diff"><p class="diff-key">{}</p>'
        '<div class="diff-text diff-source">{}</div></div>',
        format_html(key, old_label, new_label),
        comparison.html,
    )


# What the conflict screen compares, in the order an editor reads the form.
TEXT_FIELDS = ("title", "summary", "body")
COMPARED_FIELDS = (*TEXT_FIELDS, *PLACEMENT_FIELDS)


@dataclass
class Conflict:
    """A save refused because the article changed after the form was opened:
    what differs between the editor's form and the saved article, and who did what."""

    opened_version: int
    current: Article
    rows: list  # (label, yours, theirs)
    text_diffs: list  # (label, side-by-side table)
    events: list
    needs_tick: bool = False  # "replace" was pressed without ticking the confirmation

    @classmethod
    def between(cls, form, current, opened_version):
        latest = current.latest_revision
        rows, text_diffs = [], []
        for name in COMPARED_FIELDS:
            if name not in form.fields or form.fields[name].disabled:
                continue
            if name in TEXT_FIELDS:
                theirs = getattr(latest, name) if latest else ""
            else:
                theirs = getattr(current, name)
            yours = form.cleaned_data.get(name, form.data.get(name, ""))
            if _shown(yours) == _shown(theirs):
                continue
            label = form.fields[name].label or name.replace("_", " ").capitalize()
            if name == "body":  # too long for a cell: a side-by-side diff instead
                table = revision_diff_table(theirs, str(yours), "Saved now", "Yours (not saved)")
                text_diffs.append((label, table))
            else:
                rows.append((label, _shown(yours), _shown(theirs)))
        events = list(
            current.events.filter(article_version__gt=opened_version or 0)
            .select_related("actor", "revision")
            .order_by("created_at", "id")
        )
        return cls(opened_version, current, rows, text_diffs, events)

    def summary(self):
        """One line for the audit log: what a replacing save put back."""
        labels = [label for label, *_ in self.rows] + [label for label, _ in self.text_diffs]
        fields = ", ".join(label.lower() for label in labels) or "no field"
        done = "; ".join(
            f"{event_words(e.action).lower()} by {person_words(e.actor)}" for e in self.events
        )
        return (
            f"Saved over changes made since version {self.opened_version} "
            f"({done or 'no recorded action'}); replaced: {fields}."
        )


def _shown(value):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or "—"
    return str(value)


def site_uses(slug):
    """True if /<slug>/ is one of the site's own screens (search, admin ...), not a site page."""
    try:
        return resolve(f"/{slug}/").url_name != "page"
    except Resolver404:
        return False


class ArticleEditForm(forms.ModelForm):
    """Structure of the article plus the text of a new revision.

    `opened_version` carries the article version the editor opened. If anyone changed
    the article since (text, placement or a workflow action), the save is
    refused and the editor sees theirs and the colleague's side by side
    (Conflict); they may reload the colleague's version, or replace it only by
    ticking "Replace my colleague's changes" (replace_confirmed), which the
    audit log records.
    """

    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"size": 80}),
        validators=[validate_storable, validate_one_line],
    )
    summary = forms.CharField(
        max_length=300,
        validators=[validate_storable],
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Shown in listings and as the meta description (300 characters at most).",
    )
    body = forms.CharField(
        max_length=MAX_MARKDOWN_CHARS,
        widget=ArticleTextBox(attrs={"rows": 30, "cols": 100, "class": "markdown-editor"}),
        help_text="Markdown. Cite every claim with a footnote: text[^key], and under '## Sources' "
        "[^key]: Authors. *Title.* Journal, year. <https://doi.org/...> "
        "Pictures come from the image library: ![](image:slug) on a line of its own "
        "(its alt text is used, or write your own between the brackets). "
        f"At most {MAX_MARKDOWN_CHARS:,} characters.",
        validators=[validate_storable, validate_markdown],
        error_messages={
            "max_length": f"The text can be at most {MAX_MARKDOWN_CHARS:,} characters "
            "(it has %(show_value)d): split it into two articles."
        },
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    replace_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    replace_confirmed = forms.BooleanField(
        required=False, label="Replace my colleague's changes with my version"
    )

    class Meta:
        model = Article
        fields = ["kind", "slug", "topic", "author", "order", "review_interval_months", "image"]
        labels = {
            "slug": "Web address (slug)",
            "review_interval_months": "Review every (months)",
        }
        help_texts = {
            "slug": "The web address: /guide/this-part/. Filled from the title; change it "
            "before the first publication if you like.",
        }

    conflict = None  # set when a save is refused
    replacing = None  # set when the editor confirmed replacing a colleague's changes

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = self.instance.latest_revision if self.instance.pk else None
        if latest is not None and not self.is_bound:
            self.initial.update(
                title=latest.title, summary=latest.summary, body=latest.body, based_on=latest.pk
            )
        if self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = self.instance.version
        if "slug" in self.fields and not self.instance.pk:
            self.fields["slug"].required = False  # made from the title if left empty
        if self.instance.first_published_at is not None and "slug" in self.fields:
            # Readers and search engines know the URL; changing it would break their links.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed once published, so links keep working."

    def full_clean(self):
        # The pictures the text names stay in the library until this save commits
        # (a colleague's delete waits), so the check that they exist holds.
        body = self.data.get("body") if self.is_bound else None
        if isinstance(body, str):
            lock_pictures(image_slugs_in(body))
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            self._fill_slug(cleaned)
            self._check_page_address(cleaned)
            return cleaned
        self._check_page_address(cleaned)
        # Locked until the admin's transaction ends, so no save can slip in
        # between this check and ours.
        current = (
            # Lock the article row only (PostgreSQL locks no outer-joined rows).
            Article.objects.select_for_update(of=("self",))
            .select_related("latest_revision__created_by")
            .get(pk=self.instance.pk)
        )
        opened = cleaned.get("opened_version")
        self.current = current
        byline = cleaned.get("author")
        if "author" in self.fields and byline is not None and byline.pk != current.author_id:
            refusal = workflow.byline_refusal(current, byline)
            if refusal is not None:
                self.add_error("author", refusal.reason)
        if opened == current.version:
            based_on = cleaned.get("based_on")
            if based_on is not None and based_on != current.latest_revision_id:
                # Not the text this version of the article holds (a form
                # edited by hand): nothing to compare the edit with.
                raise forms.ValidationError(
                    "This form does not match the article's latest text. Nothing of yours "
                    "was saved: copy your changes, reload the page and make them again.",
                    code="text_mismatch",
                )
            return cleaned
        confirmed = (
            self.data.get("_conflict") == "replace"
            and cleaned.get("replace_confirmed")
            and cleaned.get("replace_version") == current.version
        )
        conflict = Conflict.between(self, current, opened)
        if confirmed:
            self.replacing = conflict
            return cleaned
        conflict.needs_tick = self.data.get("_conflict") == "replace"
        self.conflict = conflict
        # Replacing is offered against the version shown now; Save alone stays refused.
        self.data = self.data.copy()
        self.data["replace_version"] = current.version
        self.data.pop("replace_confirmed", None)
        raise forms.ValidationError(
            "Someone changed this article after you opened it. Nothing of yours was saved.",
            code="edit_conflict",
        )

    def _fill_slug(self, cleaned):
        """A new article left without an address gets one made from its title."""
        if "slug" not in self.fields or cleaned.get("slug") or self.has_error("slug"):
            return
        title = cleaned.get("title", "")
        base = slugify(title)[: Article._meta.get_field("slug").max_length - 4].strip("-")
        if not base:
            if title:
                self.add_error(
                    "slug",
                    "The title has no letters or digits to make a web address from: type one here.",
                )
            return
        page = cleaned.get("kind") == Kind.PAGE
        slug, n = base, 2
        while Article.objects.filter(slug=slug).exists() or (page and site_uses(slug)):
            slug, n = f"{base}-{n}", n + 1
        cleaned["slug"] = slug

    def _check_page_address(self, cleaned):
        """A site page lives at /<slug>/: not where the site's own screens are."""
        slug = cleaned.get("slug")
        if "slug" not in self.fields or self.fields["slug"].disabled or not slug:
            return
        if cleaned.get("kind") == Kind.PAGE and site_uses(slug):
            self.add_error(
                "slug",
                f"/{slug}/ is already used by the site itself (readers would never reach "
                "this page there): choose another address.",
            )

    @property
    def expected_version(self):
        """The version this save is allowed to write over."""
        return self.current.version

    def text_changed(self):
        latest = self.current.latest_revision if self.instance.pk else None
        if latest is None:
            return True
        # The form strips surrounding whitespace and sends \r\n: neither is a change.
        return any(_shown(self.cleaned_data[k]) != _shown(getattr(latest, k)) for k in TEXT_FIELDS)

    def placement_changes(self):
        """The placement fields this form may set, with their new values."""
        return {
            name: self.cleaned_data[name]
            for name in PLACEMENT_FIELDS
            if name in self.fields and not self.fields[name].disabled and name in self.cleaned_data
        }

    def based_on_revision(self):
        if self.replacing is not None:
            return self.current.latest_revision
        pk = self.cleaned_data.get("based_on")
        return Revision.objects.filter(pk=pk).first() if pk else None


class WorkflowActionForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[validate_storable]
    )
    # The passage a review note is about (checked against the revision by the workflow).
    quote = forms.CharField(required=False, strip=False, validators=[validate_storable])
    publish_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to publish now.",
    )
    unpublish_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    clear_unpublish_at = forms.BooleanField(required=False)
    change_summary = forms.CharField(
        required=False, max_length=300, validators=[validate_storable, validate_one_line]
    )
    material = forms.BooleanField(required=False)
    # The article version the buttons were shown for: acting on a page opened
    # before a colleague's change is refused (workflow.ChangedSinceOpened).
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The revision a medical review is for, by number: the review screen of an
    # older one (live or scheduled) sends it; empty means the latest.
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
