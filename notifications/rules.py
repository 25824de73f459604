"""Who must act on an editorial action, and what they are told.

One rule per kind (docs/editors.md, "Notifications"):
submitted -> reviewers and medical reviewers; changes requested -> the
revision's writers; approved -> editors; published or scheduled -> the
revision's writers; review due -> medical reviewers and editors; a guide
article's revision approved, scheduled or live without a medical review ->
the medical reviewers who may attest it. Nobody is told about their own action.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.medical_queue import Unreviewed, history
from articles.models import Article, Revision
from articles.models import Kind as DocumentKind
from articles.roles import REVIEWER_ROLES
from articles.wording import person_words
from mesoguide.characters import name_in_a_line
from mesoguide.formats import shown_date, shown_time

from .models import Kind


@dataclass(frozen=True)
class Notice:
    """One thing to tell: its kind, to whom (user ids), the headline, and where to act."""

    kind: str
    recipient_ids: frozenset
    headline: str
    link: str
    note: str = ""
    quote: str = ""


def _active_staff():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def _with_perm(permission):
    return set(
        get_user_model()
        .objects.with_perm(
            permission, include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True)
        .values_list("pk", flat=True)
    )


def _who(user):
    return name_in_a_line(person_words(user, nobody="The content import"))


def _when(moment):
    return shown_time(moment)


def article_link(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def notice_for(event):
    """The Notice an audit event calls for, or None."""
    article, revision, actor = event.article, event.revision, event.actor
    number = revision.number if revision else None
    title = article.title
    link = article_link(article)
    if event.action == "submit":
        recipients = _with_perm("articles.review_article") | _with_perm(
            "articles.attest_medical_review"
        )
        if article.kind != DocumentKind.ARTICLE:
            # A site page (privacy, disclosure ...) needs no medical review:
            # medical reviewers who do not also edit are not asked.
            recipients -= _with_perm("articles.attest_medical_review") - _with_perm(
                "articles.publish_article"
            )
        # Whoever wrote part of the text (or has the byline) may not approve it: not asked.
        recipients -= workflow.writers_of(revision)
        kind = Kind.SUBMITTED
        headline = f"{_who(actor)} submitted “{title}” (revision {number}) for review"
    elif event.action == "request_changes":
        recipients, kind = workflow.writers_of(revision), Kind.CHANGES_REQUESTED
        headline = f"{_who(actor)} asked for changes to “{title}” (revision {number})"
    elif event.action == "approve":
        recipients, kind = _with_perm("articles.publish_article"), Kind.APPROVED
        headline = f"{_who(actor)} approved “{title}” (revision {number}): ready to publish"
    elif event.action in {"publish", "schedule", "go_live"}:
        recipients, kind = workflow.writers_of(revision), Kind.PUBLISHED
        if event.action == "schedule":
            moment = revision.go_live_at or article.scheduled_for or event.created_at
            headline = f"“{title}” (revision {number}) is scheduled to go live {_when(moment)}"
        elif event.action == "go_live":
            headline = f"“{title}” (revision {number}) went live as scheduled"
        else:
            headline = f"{_who(actor)} published “{title}” (revision {number})"
    else:
        return None
    if actor is not None:
        recipients = recipients - {actor.pk}
    if not recipients:
        return None
    return Notice(
        kind=kind,
        recipient_ids=frozenset(recipients),
        headline=headline,
        link=link,
        note=event.note if kind == Kind.CHANGES_REQUESTED else "",
        # Review notes may quote a passage (the review screen): shown with the note.
        quote=getattr(event, "quote", "") or "",
    )


# The events that put a revision on its way to readers or in front of them
# (publish_without_review: import_content --publish, from a content file).
_TOWARDS_READERS = {"approve", "schedule", "publish", "go_live", "publish_without_review"}


def unreviewed_notice(event):
    """The Notice for a guide article's revision approved, scheduled or put live
    while it has no medical review, or None (a site page, or reviewed already).

    Told to every medical reviewer who may attest it now: workflow.check, the
    rule of the review screen's button and of "Needs medical review" in My
    work, so its writers and byline are not asked. Links to that revision's
    review screen. Delivered once per person and revision ("unreviewed:<id>").
    """
    if event.action not in _TOWARDS_READERS or event.revision_id is None:
        return None
    # As it is now, after the commit: a colleague may have attested it meanwhile.
    revision = Revision.objects.get(pk=event.revision_id)
    # With who saved each of its revisions loaded once: the rule walks back through
    # them for every reviewer below (a query a step and reviewer otherwise).
    article = (
        Article.objects.select_related("author")
        .prefetch_related(history())
        .get(pk=revision.article_id)
    )
    revision.article, actor = article, event.actor
    if article.kind != DocumentKind.ARTICLE or revision.medically_reviewed_at is not None:
        return None
    reviewers = (
        get_user_model()
        .objects.filter(pk__in=_with_perm("articles.attest_medical_review"))
        .select_related("person")  # the rule reads their credentials
    )
    recipients = {
        user.pk
        for user in reviewers
        if user != actor
        and workflow.check("medical_review", article, user, revision=revision) is None
    }
    if not recipients:
        return None
    # An import's publication may be for a later moment too (publish_at in its file).
    moment = revision.go_live_at or article.scheduled_for
    if event.action == "schedule" or (event.action == "publish_without_review" and moment):
        where = f"scheduled for {_when(moment or event.created_at)}"
    else:
        where = "approved" if event.action == "approve" else "live"
    what = f"“{article.title}” (revision {revision.number})"
    if event.action == "approve":
        headline = f"{_who(actor)} approved {what} without a medical review"
    else:
        headline = f"{what} is {where} without a medical review"
    if event.action == "publish_without_review":
        headline += " (published from a content file)"
    return Notice(
        kind=Kind.NO_MEDICAL_REVIEW,
        recipient_ids=frozenset(recipients),
        headline=headline,
        link=Unreviewed(revision, where).url,
    )


def review_due_notice(article, now=None):
    """The Notice for an article whose periodic review is due (or overdue)."""
    now = now or timezone.now()
    when = shown_date(article.review_due_at)
    if article.review_due_at < now:
        headline = f"The periodic review of “{article.title}” is overdue (due {when})"
    else:
        headline = f"The periodic review of “{article.title}” is due on {when}"
    recipients = set(
        _active_staff().filter(groups__name__in=REVIEWER_ROLES).values_list("pk", flat=True)
    )
    return Notice(
        kind=Kind.REVIEW_DUE,
        recipient_ids=frozenset(recipients),
        headline=headline,
        link=article_link(article),
    )
