"""The editorial workflow as plain rules: who may do what to which revision.

Every change of a document's text, state or placement goes through these
functions, from the admin, the import command or a shell, so no path can skip
review. Each one locks the article row, checks permission, state and (given
`expected_version`) that the article is still the version the person acting
saw, makes the change, counts it in Article.version and records a ReviewEvent
with that version. Article.save() itself refuses to write over a newer row
(models.StaleArticle), so even code outside this module cannot undo a change.

Roles are groups (created by a migration) holding the custom permissions on
Article: Writers submit, Medical reviewers review and attest, Editors do all
of that and publish. Nobody approves or attests a revision they wrote.
"""

import calendar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mesoguide.formats import shown_time

from .models import Article, Person, ReviewEvent, Revision, RevisionState, Status, public_name
from .next_moment import schedules_changed
from .review_notes import normalized_quote, quote_problem
from .signals import published, send_after_commit, unpublished

WRITER, MEDICAL_REVIEWER, EDITOR = "Writer", "Medical reviewer", "Editor"


def months_after(moment, months):
    """The same day `months` later (the last day of a shorter month)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class WorkflowError(ValidationError):
    """An action that the state of the document does not allow."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    permission: str
    from_states: frozenset
    to_state: str
    needs_note: bool = False


SUBMIT = Action(
    "submit",
    "Submit for review",
    "articles.submit_article",
    frozenset({RevisionState.DRAFT, RevisionState.CHANGES_REQUESTED}),
    RevisionState.IN_REVIEW,
)
REQUEST_CHANGES = Action(
    "request_changes",
    "Request changes",
    "articles.review_article",
    frozenset({RevisionState.IN_REVIEW}),
    RevisionState.CHANGES_REQUESTED,
    needs_note=True,
)
APPROVE = Action(
    "approve",
    "Approve",
    "articles.review_article",
    frozenset({RevisionState.IN_REVIEW}),
    RevisionState.APPROVED,
)
REVIEW_ACTIONS = (SUBMIT, REQUEST_CHANGES, APPROVE)


def _record(article, revision, actor, action, from_state, to_state, note="", quote=""):
    """Record the audit event and, once the transaction commits, tell the
    receivers of signals.workflow_action_done (notifications ...)."""
    event = ReviewEvent.objects.create(
        article=article,
        revision=revision,
        actor=actor,
        action=action,
        from_state=str(from_state),
        to_state=str(to_state),
        note=note,
        quote=quote,
        article_version=article.version,
    )
    send_after_commit(event)
    return event


# Who may do what, in the words of docs/editors.md (refusals never show codenames).
WHO_MAY = {
    "articles.submit_article": "Only writers and editors submit a draft for review.",
    "articles.review_article": "Only reviewers and editors approve or request changes.",
    "articles.publish_article": "Only editors publish, schedule, unpublish or archive.",
    "articles.attest_medical_review": "Only medical reviewers attest a medical review.",
}


def _require(user, permission):
    # user None is the system itself (the import command run by an operator).
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(WHO_MAY.get(permission, "Your role does not allow this."))


def _is_author(user, revision, checked_by="published_at"):
    """Did `user` write any of the text under review, or is it under their
    byline? The text's writers are whoever saved this revision and the
    unpublished drafts before it, and for a restored revision whoever wrote the
    text it brought back (followed through based_on): a colleague's small edit
    or a restore on top of your words must not let you approve them.
    `checked_by`: see _text_writers."""
    if user is None:
        return False
    article = revision.article
    if article.author_id is not None and article.author.user_id == user.pk:
        return True
    return user.pk in _text_writers(revision, checked_by)


def _text_writers(revision, checked_by="published_at"):
    """The accounts that wrote any part of this revision's text since it was last
    checked: published (approved by a colleague) for the approval and the people
    told, or medically reviewed (`checked_by="medically_reviewed_at"`) for a
    medical review: text published without one was never read by a medical reviewer."""
    # Loaded by the caller (a query otherwise, as before it was asked for here).
    article = revision.article if Revision.article.field.is_cached(revision) else None
    earlier = _saved_before(article, revision)
    position = {r.pk: i for i, r in enumerate(earlier)}
    writers, seen, current = set(), set(), revision
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        writers.add(current.created_by_id)
        if current.origin == "restore" and current.based_on_id is not None:
            # The text brought back, reviewed or not.
            current = earlier[position[current.based_on_id]]
            continue
        after = position[current.pk] + 1 if current.pk in position else 0
        current = earlier[after] if after < len(earlier) else None
        if current is not None and getattr(current, checked_by) is not None:
            break  # the text from here on was checked
    return writers


# What the walk above reads of each earlier revision (a page of text is a large part of a row).
HISTORY_FIELDS = (
    "id",
    "article_id",
    "number",
    "created_by_id",
    "origin",
    "based_on_id",
    "published_at",
    "medically_reviewed_at",
)


def _saved_before(article, revision):
    """The revisions of its article saved before `revision`, the latest first. From
    the article's prefetched revisions when a caller checking many articles loaded
    them (medical_queue), else one query for them all, however far the walk goes."""
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    if "revisions" in prefetched and article.pk == revision.article_id:
        earlier = [r for r in article.revisions.all() if r.number < revision.number]
    else:
        earlier = Revision.objects.filter(
            article_id=revision.article_id, number__lt=revision.number
        ).only(*HISTORY_FIELDS)
    return sorted(earlier, key=lambda r: r.number, reverse=True)


def writers_of(revision):
    """The user ids of whoever wrote any part of this revision's text since it
    was last reviewed, and of the account behind its byline: the people told
    when it is sent back or goes live."""
    if revision is None:
        return set()
    ids = _text_writers(revision)
    author = revision.article.author
    if author is not None and author.user_id is not None:
        ids.add(author.user_id)
    ids.discard(None)
    return ids


class ChangedSinceOpened(WorkflowError):
    """The article changed after the person acting opened it: acting now could
    undo or skip over a colleague's change they have not seen."""

    def __init__(self, article, opened_version):
        self.article, self.opened_version = article, opened_version
        last = article.events.select_related("actor").first()
        by = f" ({_what_happened(last)})" if last else ""
        super().__init__(
            f"Someone changed this article after you opened it{by}. Nothing was done: "
            "reload the page to see their change, then try again."
        )


def _what_happened(event):
    """An audit event as a colleague would say it: "published by Ann Lee"."""
    from .wording import event_words, person_words

    if event.action == "go_live":
        return "a scheduled revision went live"
    what = event_words(event.action).lower()
    if event.actor is None:
        return f"{what} from the content files"
    return f"{what} by {person_words(event.actor)}"


def _lock(article, expected_version=None):
    """Re-read the article under a row lock so two actions cannot interleave,
    and refuse if it is no longer the version the person acting saw."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ChangedSinceOpened(locked, expected_version)
    return locked


def _touch(article):
    """Count a change that touched only a revision, so open forms see it."""
    article.save(update_fields=[])


# --- Writing -----------------------------------------------------------------

# Fields of an article that readers see beside its text. On a live article
# only an editor changes them (docs/editors.md, "Live articles").
PLACEMENT_LABELS = {
    "kind": "kind",
    "slug": "address (slug)",
    "topic": "topic",
    "author": "byline",
    "order": "position",
    "review_interval_months": "review interval (months)",
    "image": "social card picture",
}
PLACEMENT_FIELDS = tuple(PLACEMENT_LABELS)


def may_change_placement(user, article):
    return (
        user is None
        or article.first_published_at is None
        or user.has_perm("articles.publish_article")
    )


@transaction.atomic
def save_draft(
    article,
    *,
    user,
    title,
    summary,
    body,
    based_on=None,
    origin="admin",
    note="",
    expected_version=None,
    text_of=None,
):
    """Add a new draft revision; the live revision and readers are untouched.

    `based_on` is the revision the editor started from. If someone saved a
    newer one meanwhile, the save is refused (EditConflict) so nothing is lost
    silently. `text_of` is the old revision whose text a restore brings back:
    it is kept as based_on, so review knows who wrote the text.
    """
    if user is not None and not user.has_perm("articles.change_article"):
        raise PermissionDenied("You do not have permission to edit articles.")
    article = _lock(article, expected_version)
    if based_on is not None and article.latest_revision_id not in (None, based_on.pk):
        raise EditConflict(article.latest_revision, based_on)
    previous = article.latest_revision
    revision = Revision.objects.create(
        article=article,
        title=title,
        summary=summary,
        body=body,
        created_by=user,
        origin=origin,
        based_on=text_of or based_on or previous,
    )
    article.latest_revision = revision
    article.save(update_fields=["latest_revision"])
    _record(
        article,
        revision,
        user,
        "edit" if origin == "admin" else origin,
        previous.state if previous else "",
        RevisionState.DRAFT,
        note,
    )
    return revision


def _shown_time(moment):
    return shown_time(moment)


def _shown(value):
    return "—" if value is None or value == "" else str(value)


@transaction.atomic
def change_placement(article, changes, *, user, expected_version=None, note=""):
    """Set the fields readers see beside the text (topic, byline, position ...).

    `changes` maps field names to new values. On a live article only an editor
    may change them, and the change is recorded like a publication.
    """
    article = _lock(article, expected_version)
    changes = {k: v for k, v in changes.items() if getattr(article, k) != v}
    if not changes:
        return article
    if not may_change_placement(user, article):
        raise PermissionDenied(
            "This article is live: its topic, byline, position, address and review "
            "interval change only by an editor."
        )
    if "author" in changes:
        refusal = byline_refusal(article, changes["author"])
        if refusal is not None:
            raise refusal.error()
    described = "; ".join(
        f"{PLACEMENT_LABELS[k]}: {_shown(getattr(article, k))} → {_shown(v)}"
        for k, v in changes.items()
    )
    for key, value in changes.items():
        setattr(article, key, value)
    article.save(update_fields=list(changes))
    if article.first_published_at is not None:
        state = article.state_code
        _record(article, None, user, "change_placement", state, state, note or described)
    return article


@transaction.atomic
def record(article, user, action, note):
    """Count and record a change made beside the text (related articles, a
    confirmed replacement of a colleague's changes)."""
    article = _lock(article)
    _touch(article)
    state = article.state_code
    return _record(article, None, user, action, state, state, note)


@transaction.atomic
def delete_draft(article, *, user):
    """Delete a never-published article; a published one is archived, never deleted."""
    article = _lock(article)
    if article.first_published_at is not None:
        raise PermissionDenied(f"“{article}” has been published: archive it instead.")
    article.delete()


class EditConflict(Exception):
    def __init__(self, current, stale):
        self.current, self.stale = current, stale
        super().__init__(
            f"Someone saved revision {current.number} after you opened revision {stale.number}."
        )


def restore(article, old_revision, *, user, expected_version=None):
    """Copy an old revision's text into a new draft; history is never rewritten."""
    return save_draft(
        article,
        user=user,
        title=old_revision.title,
        summary=old_revision.summary,
        body=old_revision.body,
        origin="restore",
        text_of=old_revision,
        note=f"Restored the text of revision {old_revision.number}.",
        expected_version=expected_version,
    )


# --- Review --------------------------------------------------------------------


@transaction.atomic
def transition(article, action, *, user, note="", quote="", expected_version=None):
    """Move the latest revision through review (submit, request changes, approve).
    `quote`: the passage of the revision the note is about (review_notes), or ""."""
    _require(user, action.permission)
    article = _lock(article, expected_version)
    refuse_unless_allowed(action.name, article, user)
    revision = article.latest_revision
    if action.needs_note and not note.strip():
        raise WorkflowError(f"{action.label} needs a note for the writer.")
    quote = _checked_quote(revision, quote)
    previous = revision.state
    revision.state = action.to_state
    fields = ["state"]
    now = timezone.now()
    if action is APPROVE:
        revision.approved_by, revision.approved_at = user, now
        revision.approved_by_name = public_name(user)[:150]  # as readers are told it, then
        fields += ["approved_by", "approved_at", "approved_by_name"]
    revision.save(update_fields=fields)
    _touch(article)  # the review dates change when this revision goes live (_set_review_dates)
    _record(article, revision, user, action.name, previous, action.to_state, note, quote)
    return revision


def _checked_quote(revision, quote):
    problem = quote_problem(revision, quote)
    if problem:
        raise WorkflowError({"quote": problem})
    return normalized_quote(quote)


def medical_review_refusal(user):
    """Why this account may not attest a medical review, or None."""
    person = getattr(user, "person", None)
    if person is None:
        return (
            "A medical review is shown to readers with the reviewer's name and credentials: "
            "link your account to a byline profile (People) first."
        )
    if len(person.name.split()) < 2 or not person.credentials.strip():
        return (
            f"Your byline profile ({person.name}) needs your full name and your credentials "
            "before you can attest a medical review."
        )
    return None


@transaction.atomic
def attest_medical_review(article, revision, *, user, note="", quote="", expected_version=None):
    """A Medical reviewer vouches for one specific revision's medical accuracy."""
    _require(user, "articles.attest_medical_review")
    if user is None:
        raise PermissionDenied("A medical review needs a named reviewer.")
    article = _lock(article, expected_version)
    revision = Revision.objects.get(pk=revision.pk)
    refuse_unless_allowed("medical_review", article, user, revision=revision)
    quote = _checked_quote(revision, quote)
    revision.medically_reviewed_by = user
    revision.medically_reviewed_at = timezone.now()
    person = Person.objects.get(user=user)  # as it is now, not as cached on the account
    revision.medically_reviewed_by_name = person.name
    revision.medically_reviewed_by_credentials = person.credentials
    revision.save(
        update_fields=[
            "medically_reviewed_by",
            "medically_reviewed_at",
            "medically_reviewed_by_name",
            "medically_reviewed_by_credentials",
        ]
    )
    _touch(article)
    _record(article, revision, user, "medical_review", revision.state, revision.state, note, quote)
    return revision


# --- Publication -----------------------------------------------------------------


def _visible_now(article, now):
    """Readers see the article now (its first publication is not still scheduled)."""
    return (
        article.status == Status.PUBLISHED
        and article.live_revision_id is not None
        and article.publish_at is not None
        and article.publish_at <= now
    )


def _set_review_dates(article, revision):
    """Readers' "last reviewed" and "next review" describe the live text: set
    them from the review of the revision going live (not at an approval of a
    draft that may never be published)."""
    if revision.approved_at is not None:
        article.last_reviewed_at = revision.approved_at
        article.review_due_at = months_after(revision.approved_at, article.review_interval_months)


def _set_change_summary(article, revision, change_summary, material):
    if change_summary or not revision.change_summary:
        revision.change_summary = change_summary or (
            "First published." if article.first_published_at is None else ""
        )
        revision.change_is_material = material


def _drop_schedule(article):
    """Forget a scheduled revision (superseded, cancelled or taken down); it stays approved."""
    scheduled = article.scheduled_revision
    if scheduled is None:
        return None
    Revision.objects.filter(pk=scheduled.pk).update(go_live_at=None)
    article.scheduled_revision, article.go_live_at = None, None
    schedules_changed()
    return scheduled


@transaction.atomic
def publish(
    article,
    *,
    user,
    at=None,
    change_summary="",
    material=False,
    until=None,
    clear_until=False,
    expected_version=None,
    without_review_by="",
):
    """Make the approved latest revision live, now or at `at` (scheduled).

    A live article keeps its live text until a scheduled revision's moment;
    a first publication scheduled for later is hidden until then. Publishing
    now supersedes any schedule. The article's unpublish time is kept unless
    `until` sets a new one or `clear_until` removes it; a change is recorded.
    `without_review_by` (the operator's name) is
    only for import_content --publish: the revision goes live unreviewed and
    the audit log says so.
    """
    _require(user, "articles.publish_article")
    if without_review_by and user is not None:
        raise PermissionDenied("Only an operator's import publishes without review.")
    article = _lock(article, expected_version)
    revision = article.latest_revision
    now = timezone.now()
    visible = _visible_now(article, now)
    if not without_review_by:
        refuse_unless_allowed("publish", article, user, now=now)
    elif revision is None:
        raise WorkflowError("There is no text to publish.")
    elif revision.pk == article.live_revision_id and visible:
        raise WorkflowError("This revision is already live.")
    at = at or now
    if until is not None and until <= at:
        raise WorkflowError("The unpublish time must be after the publish time.")
    from_state = article.state_code
    _set_change_summary(article, revision, change_summary, material)
    if clear_until:
        until = None
    elif until is None and article.unpublish_at is not None and article.unpublish_at > at:
        until = article.unpublish_at  # a colleague's unpublish time stays
    until_note = ""
    if until != article.unpublish_at:
        until_note = f"Unpublish time: {_shown_time(article.unpublish_at)} → {_shown_time(until)}."
    article.unpublish_at = until

    if at > now and visible:
        # A new revision of a live article: readers keep the live text until `at`.
        superseded = _drop_schedule(article)
        revision.go_live_at = at
        revision.save(update_fields=["go_live_at", "change_summary", "change_is_material"])
        article.scheduled_revision, article.go_live_at = revision, at
        article.save(update_fields=["scheduled_revision", "go_live_at", "unpublish_at"])
        schedules_changed()
        note = f"{change_summary} {until_note}".strip()
        if superseded is not None and superseded.pk != revision.pk:
            note = f"Replaces the schedule of revision {superseded.number}. {note}".strip()
        _record(article, revision, user, "schedule", from_state, "scheduled", note)
        return revision

    superseded = _drop_schedule(article)
    if article.live_revision_id and article.live_revision_id != revision.pk:
        # The old live revision stays published, just not live.
        Revision.objects.filter(pk=article.live_revision_id).update(state=RevisionState.PUBLISHED)
    revision.state = RevisionState.PUBLISHED
    revision.published_at = at
    revision.go_live_at = None
    revision.save(
        update_fields=[
            "state",
            "published_at",
            "go_live_at",
            "change_summary",
            "change_is_material",
        ]
    )
    article.live_revision = revision
    article.status = Status.PUBLISHED
    article.publish_at = article.publish_at if visible else at
    if article.first_published_at is None or article.first_published_at > now:
        article.first_published_at = at
    article.last_published_at = at
    _set_review_dates(article, revision)
    if without_review_by and article.review_due_at is None:
        article.review_due_at = at  # never reviewed: due at once
    article.save()
    action = "schedule" if at > now else "publish"
    note = change_summary
    if without_review_by:
        action = "publish_without_review"
        note = f"Published from a content file without review by {without_review_by}."
    note = f"{note} {until_note}".strip()
    if superseded is not None and superseded.pk != revision.pk:
        note = f"Replaces the schedule of revision {superseded.number}. {note}".strip()
    _record(article, revision, user, action, from_state, Status.PUBLISHED, note)
    if at <= now:
        _send_after_commit(published, article)
    return revision


@transaction.atomic
def cancel_schedule(article, *, user, expected_version=None, note=""):
    """Call off a scheduled publication; the revision stays approved."""
    _require(user, "articles.publish_article")
    article = _lock(article, expected_version)
    now = timezone.now()
    refuse_unless_allowed("cancel_schedule", article, user, now=now)
    from_state = article.state_code
    scheduled = _drop_schedule(article)
    if scheduled is not None:
        article.save(update_fields=["scheduled_revision", "go_live_at"])
    elif article.status == Status.PUBLISHED and article.publish_at and article.publish_at > now:
        # A first publication (or a return) that has not happened yet.
        scheduled = article.live_revision
        never_shown = article.first_published_at is None or article.first_published_at > now
        if never_shown:
            Revision.objects.filter(pk=scheduled.pk).update(
                state=RevisionState.APPROVED, published_at=None
            )
            article.live_revision = None
            article.first_published_at = article.last_published_at = None
            article.status = Status.DRAFT
        else:
            article.status = Status.UNPUBLISHED
        article.publish_at = article.unpublish_at = None
        article.save()
    else:
        raise WorkflowError("Nothing is scheduled for this article.")
    _record(article, scheduled, user, "cancel_schedule", from_state, article.state_code, note)
    return article


@transaction.atomic
def publish_scheduled_revision(article_id, now=None):
    """Put a live article's scheduled revision live once its moment has come.

    Run by publish_due() and the publish_scheduled command; returns the
    revision, or None if nothing was due (someone moved or cancelled it).
    """
    now = now or timezone.now()
    article = Article.objects.select_for_update().get(pk=article_id)
    revision = article.scheduled_revision
    if revision is None or article.go_live_at is None or article.go_live_at > now:
        return None
    from_state = article.state_code
    at = article.go_live_at
    if article.live_revision_id and article.live_revision_id != revision.pk:
        Revision.objects.filter(pk=article.live_revision_id).update(state=RevisionState.PUBLISHED)
    revision.state, revision.published_at, revision.go_live_at = RevisionState.PUBLISHED, at, None
    revision.save(update_fields=["state", "published_at", "go_live_at"])
    article.live_revision = revision
    article.last_published_at = at
    article.scheduled_revision, article.go_live_at = None, None
    _set_review_dates(article, revision)
    article.save(
        update_fields=[
            "live_revision",
            "last_published_at",
            "scheduled_revision",
            "go_live_at",
            "last_reviewed_at",
            "review_due_at",
        ]
    )
    schedules_changed()
    _record(
        article,
        revision,
        None,
        "go_live",
        from_state,
        Status.PUBLISHED,
        revision.change_summary or "Went live as scheduled.",
    )
    _send_after_commit(published, article)
    return revision


def publish_due(now=None):
    """Every scheduled revision whose moment has come goes live; returns how many."""
    now = now or timezone.now()
    due = Article.objects.filter(go_live_at__lte=now, scheduled_revision__isnull=False)
    return sum(1 for pk in due.values_list("pk", flat=True) if publish_scheduled_revision(pk, now))


@transaction.atomic
def unpublish(article, *, user, note="", expected_version=None):
    return _take_down(article, Status.UNPUBLISHED, "unpublish", user, note, expected_version)


@transaction.atomic
def archive(article, *, user, note="", expected_version=None):
    return _take_down(article, Status.ARCHIVED, "archive", user, note, expected_version)


def _take_down(article, status, action, user, note, expected_version):
    _require(user, "articles.publish_article")
    article = _lock(article, expected_version)
    refuse_unless_allowed(action, article, user)
    from_state = article.state_code
    scheduled = _drop_schedule(article)
    if scheduled is not None:
        note = f"{note} (The schedule of revision {scheduled.number} is cancelled.)".strip()
    article.status = status
    article.unpublish_at = None
    article.save(update_fields=["status", "unpublish_at", "scheduled_revision", "go_live_at"])
    _record(article, article.live_revision, user, action, from_state, status, note)
    _send_after_commit(unpublished, article)
    return article


def _send_after_commit(signal, article):
    """Send a domain signal (signals.py) once the action's transaction has committed."""
    transaction.on_commit(lambda: signal.send(sender=Article, article=article))


# --- Who may do what, here and now: one check per action ----------------------------

ACTION_LABELS = {
    "submit": "Submit for review",
    "request_changes": "Request changes",
    "approve": "Approve",
    "medical_review": "Attest medical review",
    "publish": "Publish",
    "cancel_schedule": "Cancel the schedule",
    "unpublish": "Unpublish",
    "archive": "Archive",
}
ACTION_PERMISSIONS = {
    "submit": SUBMIT.permission,
    "request_changes": REQUEST_CHANGES.permission,
    "approve": APPROVE.permission,
    "medical_review": "articles.attest_medical_review",
    "publish": "articles.publish_article",
    "cancel_schedule": "articles.publish_article",
    "unpublish": "articles.publish_article",
    "archive": "articles.publish_article",
}
_REVIEW_BY_NAME = {action.name: action for action in REVIEW_ACTIONS}


@dataclass(frozen=True)
class Refusal:
    """Why an action is not open: `reason` in plain words; `denied` says it is
    the person's role or authorship (PermissionDenied), not the article's state."""

    reason: str
    denied: bool = False

    def error(self):
        return PermissionDenied(self.reason) if self.denied else WorkflowError(self.reason)


def _state_words(revision):
    return RevisionState(revision.state).label.lower()


def check(name, article, user, *, revision=None, now=None):
    """Whether `user` may take action `name` on `article` now: None, or the Refusal.

    The one rule per action: the admin shows the button (enabled, or disabled
    with the reason) from it, and the action itself refuses with it under the
    article's lock. `user` None is the system (the import command).
    """
    permission = ACTION_PERMISSIONS[name]
    if user is not None and not user.has_perm(permission):
        return Refusal(WHO_MAY.get(permission, "Your role does not allow this."), denied=True)
    revision = revision or article.latest_revision
    now = now or timezone.now()
    if name in _REVIEW_BY_NAME:
        return _review_refusal(_REVIEW_BY_NAME[name], revision, user)
    if name == "medical_review":
        return _medical_review_refusal(article, revision, user)
    if name == "publish":
        return _publish_refusal(article, revision, now)
    if name == "cancel_schedule":
        return None if article.scheduled_for is not None else Refusal("Nothing is scheduled.")
    if name == "unpublish" and article.status != Status.PUBLISHED:
        return Refusal(
            f"Only a published article can be unpublished; this one is "
            f"{Status(article.status).label.lower()}."
        )
    if name == "archive" and article.status == Status.ARCHIVED:
        return Refusal("This article is already archived.")
    return None


def _review_refusal(action, revision, user):
    if revision is None:
        return Refusal("There is no text yet: save a draft first.")
    if revision.state not in action.from_states:
        if action is SUBMIT:
            reason = f"Revision {revision.number} is {_state_words(revision)}: there is no new draft to submit."
        else:
            reason = (
                f"Revision {revision.number} is {_state_words(revision)}: only a revision "
                "submitted for review can be approved or sent back."
            )
        return Refusal(reason)
    if action is APPROVE and _is_author(user, revision):
        return Refusal(
            "You cannot approve this revision: you wrote part of it or it appears under "
            "your byline, so another reviewer must approve it.",
            denied=True,
        )
    if action is APPROVE and not public_name(user):
        return Refusal(
            "Readers are told who reviewed an article: add your full name to your "
            "account (or link it to a byline profile) before approving.",
            denied=True,
        )
    return None


def _medical_review_refusal(article, revision, user):
    if user is None:
        return Refusal("A medical review needs a named reviewer.", denied=True)
    refusal = medical_review_refusal(user)
    if refusal:
        return Refusal(refusal, denied=True)
    if revision is None:
        return Refusal("There is no text to review yet.")
    if _is_author(user, revision, checked_by="medically_reviewed_at"):
        return Refusal(
            "You cannot medically review this revision: you wrote part of it or it appears "
            "under your byline, so another medical reviewer must.",
            denied=True,
        )
    if revision.state not in {
        RevisionState.IN_REVIEW,
        RevisionState.APPROVED,
        RevisionState.PUBLISHED,
    }:
        return Refusal(
            f"Revision {revision.number} is {_state_words(revision)}: only a revision "
            "submitted for review can be medically reviewed."
        )
    if revision.pk not in {
        article.latest_revision_id,
        article.scheduled_revision_id,
        article.live_revision_id,
    }:
        # Replaced before its medical review (a newer one went live, or was
        # drafted over it): readers never see it, so nothing would be vouched for.
        return Refusal(
            f"Revision {revision.number} is no longer on its way to readers: only the "
            "latest, scheduled or live revision is medically reviewed."
        )
    if revision.medically_reviewed_at is not None:
        who = revision.medically_reviewed_by_name or "a colleague"
        return Refusal(f"Revision {revision.number} is already medically reviewed by {who}.")
    return None


def byline_refusal(article, person, revisions=None):
    """A byline may not name who reviewed the text that is live or on its way to
    readers (the latest, scheduled and live revisions): readers would read it as
    reviewed by its own writer. None, or the Refusal."""
    user_id = getattr(person, "user_id", None)
    if user_id is None:
        return None
    if revisions is None:
        ids = {article.latest_revision_id, article.scheduled_revision_id, article.live_revision_id}
        revisions = Revision.objects.filter(pk__in=ids - {None}).order_by("-number")
    for revision in revisions:
        if user_id in {revision.approved_by_id, revision.medically_reviewed_by_id}:
            return Refusal(
                f"{person.name} reviewed revision {revision.number} of this article, so "
                "the byline can't name them: readers would read it as reviewed by its own "
                "writer. Keep the byline, or have another reviewer review a new revision."
            )
    return None


def _publish_refusal(article, revision, now):
    if revision is None:
        return Refusal("There is no text to publish.")
    visible = _visible_now(article, now)
    if revision.pk == article.live_revision_id and visible:
        return Refusal("This revision is already live.")
    # The live revision again: taken down and put back, or its scheduled first
    # publication moved.
    republishing = revision.pk == article.live_revision_id and article.status in {
        Status.UNPUBLISHED,
        Status.ARCHIVED,
        Status.PUBLISHED,
    }
    if revision.state != RevisionState.APPROVED and not republishing:
        return Refusal(
            f"Only an approved revision can be published; revision {revision.number} is "
            f"{_state_words(revision)}."
        )
    # The byline's person may have been linked to the reviewer's account since.
    if article.author_id is not None:
        return byline_refusal(article, article.author, revisions=[revision])
    return None


def refuse_unless_allowed(name, article, user, **kwargs):
    """Raise the Refusal of check() as PermissionDenied or WorkflowError."""
    refusal = check(name, article, user, **kwargs)
    if refusal is not None:
        raise refusal.error()


def action_choices(article, user):
    """Every workflow action with whether `user` may take it now: (name, label, reason or None)."""
    now = timezone.now()
    return [
        (name, label, getattr(check(name, article, user, now=now), "reason", None))
        for name, label in ACTION_LABELS.items()
    ]


def available_actions(article, user):
    """The workflow actions this user may take on this article now, by name."""
    return [name for name, _, reason in action_choices(article, user) if reason is None]
