"""The editorial workflow as plain rules: who may do what to which revision.

Every change of a document's text or state goes through these functions, from
the admin, the import command or a shell, so no path can skip review. Each one
checks permission and state, makes the change and records a ReviewEvent.

Roles are groups (created by a migration) holding the custom permissions on
Article: Writers submit, Medical reviewers review and attest, Editors do all
of that and publish. Nobody approves or attests a revision they wrote.
"""

import calendar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article, ReviewEvent, Revision, RevisionState, Status

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


def _record(article, revision, actor, action, from_state, to_state, note=""):
    return ReviewEvent.objects.create(
        article=article,
        revision=revision,
        actor=actor,
        action=action,
        from_state=str(from_state),
        to_state=str(to_state),
        note=note,
    )


def _require(user, permission):
    # user None is the system itself (the import command run by an operator).
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to do this ({permission}).")


def _is_author(user, revision):
    """Did `user` write any of the text under review: this revision or an
    earlier draft since the live one? A colleague's small edit on top of your
    draft must not let you approve your own words."""
    if user is None:
        return False
    if revision.created_by_id == user.pk:
        return True
    live = revision.article.live_revision
    drafts = Revision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
    if live is not None:
        drafts = drafts.filter(number__gt=live.number)
    return drafts.filter(created_by_id=user.pk).exists()


def _lock(article):
    """Re-read the article under a row lock so two actions cannot interleave."""
    return Article.objects.select_for_update().get(pk=article.pk)


# --- Writing -----------------------------------------------------------------


@transaction.atomic
def save_draft(article, *, user, title, summary, body, based_on=None, origin="admin", note=""):
    """Add a new draft revision; the live revision and readers are untouched.

    `based_on` is the revision the editor started from. If someone saved a
    newer one meanwhile, the save is refused (EditConflict) so nothing is lost
    silently.
    """
    if user is not None and not user.has_perm("articles.change_article"):
        raise PermissionDenied("You do not have permission to edit articles.")
    article = _lock(article)
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
        based_on=based_on or previous,
    )
    article.latest_revision = revision
    article.save(update_fields=["latest_revision", "modified_at"])
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


class EditConflict(Exception):
    def __init__(self, current, stale):
        self.current, self.stale = current, stale
        super().__init__(
            f"Someone saved revision {current.number} after you opened revision {stale.number}."
        )


def restore(article, old_revision, *, user):
    """Copy an old revision's text into a new draft; history is never rewritten."""
    return save_draft(
        article,
        user=user,
        title=old_revision.title,
        summary=old_revision.summary,
        body=old_revision.body,
        origin="restore",
        note=f"Restored the text of revision {old_revision.number}.",
    )


# --- Review --------------------------------------------------------------------


@transaction.atomic
def transition(article, action, *, user, note=""):
    """Move the latest revision through review (submit, request changes, approve)."""
    _require(user, action.permission)
    article = _lock(article)
    revision = article.latest_revision
    if revision is None or revision.state not in action.from_states:
        state = RevisionState(revision.state).label if revision else "no text"
        raise WorkflowError(f"Cannot {action.label.lower()}: the latest revision is {state}.")
    if action.needs_note and not note.strip():
        raise WorkflowError(f"{action.label} needs a note for the writer.")
    if action is APPROVE and _is_author(user, revision):
        raise PermissionDenied("You cannot approve a revision you wrote: another reviewer must.")
    previous = revision.state
    revision.state = action.to_state
    revision.save(update_fields=["state"])
    if action is APPROVE:
        now = timezone.now()
        article.last_reviewed_at = now
        article.review_due_at = months_after(now, article.review_interval_months)
        article.save(update_fields=["last_reviewed_at", "review_due_at", "modified_at"])
    _record(article, revision, user, action.name, previous, action.to_state, note)
    return revision


@transaction.atomic
def attest_medical_review(article, revision, *, user, note=""):
    """A Medical reviewer vouches for one specific revision's medical accuracy."""
    _require(user, "articles.attest_medical_review")
    if user is None:
        raise PermissionDenied("A medical review needs a named reviewer.")
    if _is_author(user, revision):
        raise PermissionDenied("You cannot medically review a revision you wrote.")
    if revision.state not in {
        RevisionState.IN_REVIEW,
        RevisionState.APPROVED,
        RevisionState.PUBLISHED,
    }:
        raise WorkflowError("Only a revision submitted for review can be medically reviewed.")
    revision.medically_reviewed_by = user
    revision.medically_reviewed_at = timezone.now()
    revision.save(update_fields=["medically_reviewed_by", "medically_reviewed_at"])
    _record(article, revision, user, "medical_review", revision.state, revision.state, note)
    return revision


# --- Publication -----------------------------------------------------------------


@transaction.atomic
def publish(article, *, user, at=None, change_summary="", material=False, until=None):
    """Make the approved latest revision live, now or at `at` (scheduled).

    Scheduling is for a document that is not live yet: a live document
    changes text at the moment of publishing, so readers never see a gap.
    """
    _require(user, "articles.publish_article")
    article = _lock(article)
    revision = article.latest_revision
    republishing = (
        revision is not None
        and revision.pk == article.live_revision_id
        and article.status in {Status.UNPUBLISHED, Status.ARCHIVED}
    )
    if revision is None or not (revision.state == RevisionState.APPROVED or republishing):
        raise WorkflowError("Only an approved revision can be published.")
    now = timezone.now()
    at = at or now
    is_live = article.status == Status.PUBLISHED and article.live_revision_id is not None
    if at > now and is_live:
        raise WorkflowError(
            "This article is live. Publish the new revision now; scheduling is for articles not yet live."
        )
    if until is not None and until <= at:
        raise WorkflowError("The unpublish time must be after the publish time.")
    from_state = article.state_code
    if article.live_revision_id and article.live_revision_id != revision.pk:
        article.live_revision.state = RevisionState.PUBLISHED  # stays published, just not live
    revision.state = RevisionState.PUBLISHED
    revision.published_at = at
    if change_summary or not revision.change_summary:
        revision.change_summary = change_summary or (
            "First published." if article.first_published_at is None else ""
        )
        revision.change_is_material = material
    revision.save(update_fields=["state", "published_at", "change_summary", "change_is_material"])
    article.live_revision = revision
    article.status = Status.PUBLISHED
    article.publish_at = article.publish_at if (is_live and article.publish_at) else at
    article.unpublish_at = until
    article.first_published_at = article.first_published_at or at
    article.last_published_at = at
    if article.last_reviewed_at is None:
        article.last_reviewed_at = at
        article.review_due_at = months_after(at, article.review_interval_months)
    article.save()
    action = "schedule" if at > now else "publish"
    _record(article, revision, user, action, from_state, Status.PUBLISHED, change_summary)
    return revision


@transaction.atomic
def unpublish(article, *, user, note=""):
    return _take_down(article, Status.UNPUBLISHED, "unpublish", user, note)


@transaction.atomic
def archive(article, *, user, note=""):
    return _take_down(article, Status.ARCHIVED, "archive", user, note)


def _take_down(article, status, action, user, note):
    _require(user, "articles.publish_article")
    article = _lock(article)
    allowed_from = (
        {Status.PUBLISHED} if status == Status.UNPUBLISHED else set(Status) - {Status.ARCHIVED}
    )
    if article.status not in allowed_from:
        raise WorkflowError(
            f"Cannot {action}: the article is {Status(article.status).label.lower()}."
        )
    from_state = article.state_code
    article.status = status
    article.unpublish_at = None
    article.save(update_fields=["status", "unpublish_at", "modified_at"])
    _record(article, article.live_revision, user, action, from_state, status, note)
    return article


# --- What the admin offers -------------------------------------------------------


def available_actions(article, user):
    """The workflow buttons this user may press on this article now, by name."""
    revision = article.latest_revision
    names = []
    if revision is not None:
        for action in REVIEW_ACTIONS:
            if revision.state in action.from_states and user.has_perm(action.permission):
                if action is APPROVE and _is_author(user, revision):
                    continue
                names.append(action.name)
        can_attest = (
            user.has_perm("articles.attest_medical_review")
            and not _is_author(user, revision)
            and revision.medically_reviewed_at is None
            and revision.state in {RevisionState.IN_REVIEW, RevisionState.APPROVED}
        )
        if can_attest:
            names.append("medical_review")
    if user.has_perm("articles.publish_article"):
        if revision is not None and (
            revision.state == RevisionState.APPROVED
            or (revision.pk == article.live_revision_id and article.status != Status.PUBLISHED)
        ):
            names.append("publish")
        if article.status == Status.PUBLISHED:
            names.append("unpublish")
        if article.status != Status.ARCHIVED:
            names.append("archive")
    return names


@transaction.atomic
def system_approve(article, revision, *, note):
    """Approval by the operator running import_content, for text that arrives already reviewed.

    Only the import command calls this; there is no user, so no four-eyes
    check applies, and the event says who it was.
    """
    previous = revision.state
    revision.state = RevisionState.APPROVED
    revision.save(update_fields=["state"])
    _record(article, revision, None, "approve", previous, RevisionState.APPROVED, note)
    return revision
