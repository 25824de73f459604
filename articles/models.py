"""The guide's content: topics, people, documents (articles and site pages) and
their revisions, and the record of every editorial action.

A document's text lives only in revisions. `Article.live_revision` is what
readers see; `Article.latest_revision` is the newest text. Editing adds a
revision and never touches the live one, so nothing reaches readers before the
workflow (articles/workflow.py) publishes it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mesoguide.characters import validate_one_line, validate_storable
from mesoguide.formats import shown_time

from .rendering import MarkdownRefused, render_markdown, validate_markdown

STORABLE = [validate_storable]
# A title, a name, a change summary: on one line (mesoguide/characters.py).
ONE_LINE = [validate_storable, validate_one_line]


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120, validators=ONE_LINE)
    description = models.TextField(blank=True, validators=STORABLE)
    order = models.PositiveIntegerField(
        default=0, help_text="Position of the section in the guide."
    )

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topic", args=[self.slug])


class Person(models.Model):
    """Someone who appears in a byline or a medical-review line."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, validators=ONE_LINE)
    role = models.CharField(max_length=120, blank=True, validators=ONE_LINE)
    credentials = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    bio = models.TextField(
        blank=True, help_text="Markdown.", validators=[*STORABLE, validate_markdown]
    )
    bio_html = models.TextField(blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The staff account of this person, if any: links reviews to the byline.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio).html
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("person", args=[self.slug])


def public_name(user):
    """The name readers may be shown for a staff account: its byline profile's,
    else the account's full name; "" for an account with neither."""
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_full_name().strip()


class Status(models.TextChoices):
    """Whether readers can see a document (subject to its publish window)."""

    DRAFT = "draft", "Never published"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


class RevisionState(models.TextChoices):
    """Where one revision stands in review."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Kind(models.TextChoices):
    ARTICLE = "article", "Guide article"
    PAGE = "page", "Site page"


# A revision's large columns, which no listing shows.
_TEXT_FIELDS = ("body", "body_html", "toc_html")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What readers may see: the one rule every public view, feed, sitemap and search uses."""
        now = now or timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
            status=Status.PUBLISHED,
            live_revision__isnull=False,
            publish_at__lte=now,
        )

    def guide_articles(self):
        return self.filter(kind=Kind.ARTICLE)

    def site_pages(self):
        return self.filter(kind=Kind.PAGE)

    def with_live_text(self):
        return self.select_related("live_revision", "topic", "author")

    def for_listing(self):
        """Like with_live_text, without the texts themselves: what lists and sidebars show
        (title, summary, reading time) is a small part of a revision."""
        return self.with_live_text().defer(*(f"live_revision__{name}" for name in _TEXT_FIELDS))

    def in_guide_order(self):
        return self.order_by("topic__order", "order", "slug")


class StaleArticle(Exception):
    """A save based on a version of the article that someone else has changed since."""

    def __init__(self, pk, version):
        self.pk, self.version = pk, version
        super().__init__(f"Article {pk} changed since version {version}.")


class Article(models.Model):
    """A document of the guide: a guide article or a site page (disclosure, policies ...)."""

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    slug = models.SlugField(unique=True, max_length=120)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Position within its topic or in the footer."
    )

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="Readers see it from this time."
    )
    unpublish_at = models.DateTimeField(
        null=True, blank=True, help_text="Readers stop seeing it at this time."
    )
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the live text last changed; shown as 'Updated'."
    )
    live_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    review_interval_months = models.PositiveSmallIntegerField(default=12)
    image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="social card picture",
        help_text="Shown when the article is shared, and given to search engines as its image.",
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Set by import_content: the file it came from, its checksum, and the
    # revision that import wrote (a newer latest revision means an admin edit).
    source_path = models.CharField(max_length=300, blank=True)
    source_checksum = models.CharField(max_length=64, blank=True)
    imported_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The article's version that import left: any other version means someone
    # changed it since (text, placement, review or publication).
    imported_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # A revision of a live article approved to go live later (Revision.go_live_at).
    scheduled_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    go_live_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the scheduled revision goes live."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # Counts every saved change. A save must name the version it started from
    # and is refused if the row moved on since (see save() below).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "order", "slug"]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_visibility")]
        permissions = [
            ("submit_article", "Can submit a draft for review"),
            ("review_article", "Can approve a revision or request changes"),
            ("publish_article", "Can publish, schedule, unpublish and archive"),
            ("attest_medical_review", "Can attest the medical review of a revision"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Compare-and-set: the UPDATE matches only the version this object was
        loaded (or told, by a form) it started from, and counts one more.
        Whoever wrote the row since wins, and this save raises StaleArticle
        instead of writing back the old values of their fields."""
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "modified_at"}
        self._expected_version = self.version
        self.version = self.version + 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = self._expected_version
            raise
        finally:
            del self._expected_version

    def get_absolute_url(self):
        if self.kind == Kind.PAGE:
            return reverse("page", args=[self.slug])
        return reverse("article", args=[self.slug])

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        matched = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, True
        )
        if not matched:
            raise StaleArticle(self.pk, expected)
        return matched

    @property
    def title(self):
        revision = self.latest_revision or self.live_revision
        return revision.title if revision else self.slug

    @property
    def has_unpublished_changes(self):
        return (
            self.latest_revision_id is not None and self.latest_revision_id != self.live_revision_id
        )

    @property
    def scheduled_for(self):
        """When readers get the next approved text, if it is scheduled."""
        if self.scheduled_revision_id and self.go_live_at:
            return self.go_live_at
        if self.status == Status.PUBLISHED and self.publish_at and self.publish_at > timezone.now():
            return self.publish_at
        return None

    @property
    def workflow_state(self):
        """For editors: the publication status, and where a pending draft stands in review."""
        moment = self.scheduled_for
        if moment is not None:
            scheduled = f"scheduled for {shown_time(moment)}"
            if self.scheduled_revision_id and self.status == Status.PUBLISHED:
                return f"Published · revision {self.scheduled_revision.number} {scheduled}"
            return f"S{scheduled[1:]}"
        latest = self.latest_revision
        if (
            self.status == Status.ARCHIVED
            or latest is None
            or latest.state == RevisionState.PUBLISHED
        ):
            return Status(self.status).label
        draft_state = RevisionState(latest.state).label
        if self.status == Status.PUBLISHED:
            return f"Published · revision {latest.number}: {draft_state.lower()}"
        return draft_state

    @property
    def state_code(self):
        """workflow_state as a short machine value, for the audit log."""
        latest = self.latest_revision
        if (
            self.status == Status.ARCHIVED
            or latest is None
            or latest.state == RevisionState.PUBLISHED
        ):
            return self.status
        return latest.state


class Revision(models.Model):
    """One version of a document's text, rendered once when it is saved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=ONE_LINE)
    summary = models.CharField(
        max_length=300,
        help_text="Shown in listings and as the meta description.",
        validators=STORABLE,
    )
    body = models.TextField(
        help_text="Markdown. Cite sources with footnotes: text[^key] and [^key]: reference.",
        validators=[*STORABLE, validate_markdown],
    )
    body_html = models.TextField(editable=False)
    # The library pictures its text shows (set when it is saved): the images'
    # "used in" lists and their protection from deletion come from here.
    images = models.ManyToManyField(
        "images.Image", blank=True, editable=False, related_name="revisions"
    )
    toc_html = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)

    state = models.CharField(
        max_length=20, choices=RevisionState.choices, default=RevisionState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(max_length=20, default="admin", help_text="admin, import or restore.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    published_at = models.DateTimeField(null=True, blank=True)
    change_summary = models.CharField(max_length=300, blank=True, validators=ONE_LINE)
    change_is_material = models.BooleanField(default=False)

    medically_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    medically_reviewed_at = models.DateTimeField(null=True, blank=True)
    # The reviewer as they were named when they attested: a later rename of
    # the profile does not change who readers are told checked this text.
    medically_reviewed_by_name = models.CharField(max_length=120, blank=True, editable=False)
    medically_reviewed_by_credentials = models.CharField(max_length=200, blank=True, editable=False)

    # Who approved this revision: a named colleague who wrote no part of it
    # (workflow.transition refuses anyone else). Empty when published without review.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by_name = models.CharField(
        max_length=150, blank=True, editable=False, help_text="As named at approval."
    )
    # Approved to replace the live text at this moment (Article.scheduled_revision).
    go_live_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_number_per_revision")
        ]

    def __str__(self):
        return f"{self.title} (revision {self.number})"

    def save(self, *args, **kwargs):
        if self._state.adding:
            rendered = render_markdown(self.body)
            self.body_html = rendered.html
            self.toc_html = rendered.toc_html
            self.word_count = rendered.word_count
            self.reading_minutes = rendered.reading_minutes
            if not self.number:
                last = Revision.objects.filter(article=self.article).order_by("-number").first()
                self.number = last.number + 1 if last else 1
            if rendered.image_slugs:
                from images.models import Image, lock_pictures

                with transaction.atomic():
                    missing = lock_pictures(rendered.image_slugs)
                    if missing:
                        raise MarkdownRefused(
                            f"The picture “{sorted(missing)[0]}” was deleted from the library "
                            "while this text was being saved: take it out or upload it again."
                        )
                    super().save(*args, **kwargs)
                    self.images.set(Image.objects.filter(slug__in=rendered.image_slugs))
                return
            super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    @property
    def reviewer_name(self):
        """Who readers are told reviewed this text: the named approver, or ""."""
        if not self.approved_at:
            return ""
        return self.approved_by_name or public_name(self.approved_by)

    @property
    def medical_reviewer(self):
        """The medical reviewer's name and credentials as they were at the
        attestation (or, for records from before they were kept, the byline
        profile), if they name them fully with credentials; else None."""
        person = getattr(self.medically_reviewed_by, "person", None)
        if self.medically_reviewed_by_name and self.medically_reviewed_by_credentials:
            return ReviewerAtTheTime(
                self.medically_reviewed_by_name, self.medically_reviewed_by_credentials, person
            )
        if person is None or not person.name.strip() or not person.credentials.strip():
            return None
        return person


@dataclass(frozen=True)
class ReviewerAtTheTime:
    """A reviewer's name and credentials as they were at the review, and their profile."""

    name: str
    credentials: str
    profile: Person | None

    def get_absolute_url(self):
        return self.profile.get_absolute_url() if self.profile else None


class ReviewEvent(models.Model):
    """One editorial action, kept forever: who did what to which revision, and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(
        Revision, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True, validators=STORABLE)
    # The passage of the revision a review note is about, as the reviewer
    # selected or pasted it (articles/review_notes.py checks it is there).
    quote = models.TextField(blank=True, validators=STORABLE)
    created_at = models.DateTimeField(default=timezone.now)
    # The article's version this action produced: what changed since a form was opened.
    article_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action} by {self.actor or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"


class SearchEntry(models.Model):
    """The live text of one published document, as search reads it; written by
    search_index.py."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    headings = models.TextField(blank=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    # Title (A), headings (B), summary (C), body (D); PostgreSQL only, empty elsewhere.
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.title


class AutosavedText(models.Model):
    """The latest unsaved title, summary and text of one editor on one article."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    summary = models.TextField(blank=True, validators=[validate_storable])
    body = models.TextField(blank=True, validators=[validate_storable])
    # What the editor had opened: a restore saves over this version only.
    opened_version = models.PositiveIntegerField(null=True, blank=True)
    based_on = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_autosave_per_article"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="one_autosave_of_a_new_article",
            ),
        ]

    def __str__(self):
        return f"Unsaved text of {self.user} ({self.saved_at:%Y-%m-%d %H:%M})"

    @property
    def saved_label(self):
        """ "14:32 UTC" today, else "1 Dec 2026, 14:32 UTC": when this copy was kept."""
        local = timezone.localtime(self.saved_at)
        if local.date() == timezone.localdate():
            return f"{local:%H:%M} {local.tzname()}"
        return shown_time(self.saved_at)

    def differs_from(self, revision):
        """Whether restoring would change anything against this revision (None: no text yet)."""
        if revision is None:
            return any(v.strip() for v in (self.title, self.summary, self.body))
        return any(
            same_text(getattr(self, name)) != same_text(getattr(revision, name))
            for name in ("title", "summary", "body")
        )


def same_text(value):
    """Text as compared for a change: line ends as typed and outer spaces ignored."""
    return value.replace("\r\n", "\n").strip()
