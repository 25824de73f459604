"""Which revision of each guide article still waits for a medical review, and
whether a given medical reviewer may give it ("Needs medical review" in My work).

A guide article can be approved, scheduled or put live before any medical
reviewer got to it. Its revisions that are on their way to readers or in front
of them are, in this order: the latest one (in review or approved), the one
scheduled to go live, and the live one. The first of these without a medical
review that the person may attest is the one they are asked to review. May
attest is workflow.check("medical_review", ...), the rule the button and the
action use, so the queue never lists what the action would refuse.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.urls import reverse

from mesoguide.formats import shown_time

from . import workflow
from .models import Kind, Revision, RevisionState, Status

# A latest revision in these states is on its way to readers (a published one
# is the live revision, taken below with the article's status).
_ON_ITS_WAY = (RevisionState.IN_REVIEW, RevisionState.APPROVED)
# The states workflow.check lets a medical review be given in.
_ATTESTABLE = (*_ON_ITS_WAY, RevisionState.PUBLISHED)


# Only the columns the queue and the rule read (a page of text is a large part of a row):
# where the article stands,
_REVISIONS = ("latest_revision", "scheduled_revision", "live_revision")
_WHERE = ("kind", "status", "publish_at", "go_live_at", "author", *_REVISIONS)
# what workflow._text_writers reads of each earlier revision,
_HISTORY = workflow.HISTORY_FIELDS
# and of the revisions that may wait for a review.
_RULE = (*_HISTORY, "state")


@dataclass(frozen=True)
class Unreviewed:
    """One revision waiting for a medical review, as the queue names it."""

    revision: object  # Revision
    where: str  # "in review", "approved", "scheduled for 3 Dec 2026, 09:00 UTC", "live"

    @property
    def words(self):
        """ "revision 4, live, not medically reviewed" """
        return f"revision {self.revision.number}, {self.where}, not medically reviewed"

    @property
    def url(self):
        """The review screen of this revision, where the attest button is."""
        address = reverse("admin:articles_article_review", args=[self.revision.article_id])
        return f"{address}?revision={self.revision.number}"


def history():
    """The prefetch of each article's revisions (who wrote which, and which were
    published) that the rule's walk back to the last published one reads: one
    query for all the articles instead of one a step."""
    return Prefetch("revisions", queryset=Revision.objects.only(*_HISTORY))


def candidates(articles):
    """Guide articles with a revision on its way to readers, or live, that has no
    medical review: a superset of any one person's queue, narrowed in the database."""
    unreviewed_latest = Q(
        latest_revision__state__in=_ON_ITS_WAY,
        latest_revision__medically_reviewed_at__isnull=True,
    )
    unreviewed_scheduled = Q(
        scheduled_revision__isnull=False,
        go_live_at__isnull=False,
        scheduled_revision__state__in=_ATTESTABLE,
        scheduled_revision__medically_reviewed_at__isnull=True,
    )
    unreviewed_live = Q(
        status=Status.PUBLISHED,
        live_revision__isnull=False,
        live_revision__state__in=_ATTESTABLE,
        live_revision__medically_reviewed_at__isnull=True,
    )
    return articles.filter(kind=Kind.ARTICLE).filter(
        unreviewed_latest | unreviewed_scheduled | unreviewed_live
    )


def _on_its_way_or_live(article, now):
    """(revision, where) of the article's latest, scheduled and live revisions, in that order."""
    latest, scheduled, live = article.latest_revision, article.scheduled_revision, None
    if article.status == Status.PUBLISHED:
        live = article.live_revision
    if latest is not None and latest.state in _ON_ITS_WAY:
        yield latest, _where(article, latest, now)
    if scheduled is not None and article.go_live_at is not None:
        yield scheduled, _where(article, scheduled, now)
    if live is not None:
        yield live, _where(article, live, now)


def _where(article, revision, now):
    """Where a revision stands, as the queue says it."""
    if revision.pk == article.scheduled_revision_id and article.go_live_at is not None:
        return f"scheduled for {shown_time(article.go_live_at)}"
    if revision.pk == article.live_revision_id and article.status == Status.PUBLISHED:
        if article.publish_at is not None and article.publish_at > now:
            return f"scheduled for {shown_time(article.publish_at)}"  # a first publication
        return "live"
    return RevisionState(revision.state).label.lower()


def waiting_revision(article, user, now):
    """The revision of `article` that waits for `user`'s medical review, as an
    Unreviewed, or None. `article` with its latest, scheduled and live revisions
    and its byline loaded (a query each otherwise)."""
    if article.kind != Kind.ARTICLE or article.status == Status.ARCHIVED:
        return None
    seen = set()
    for revision, where in _on_its_way_or_live(article, now):
        if revision.pk in seen or revision.medically_reviewed_at is not None:
            continue
        seen.add(revision.pk)
        revision.article = article  # the rule reads the byline through it
        if workflow.check("medical_review", article, user, revision=revision, now=now) is None:
            return Unreviewed(revision, where)
    return None


def waiting_for_queryset(articles, user, now):
    """The articles among `articles` that wait for `user`'s medical review, as a
    queryset: the same articles as waiting_for(), without loading them all.

    The rule (workflow.check) refuses a medical review to the revision's writers
    and its byline; for an article of which `user` wrote no revision and is not
    the byline, every candidate revision passes it. So only articles with a
    revision of theirs (a few, however large the guide) are checked one by one."""
    if not user.has_perm("articles.attest_medical_review"):
        return articles.none()
    if workflow.medical_review_refusal(user) is not None:
        return articles.none()
    candidate = candidates(articles).exclude(status=Status.ARCHIVED).exclude(author__user=user)
    theirs = Revision.objects.filter(created_by=user).values("article_id")
    checked = waiting_for(candidate.filter(pk__in=theirs), user, now)
    return articles.filter(
        Q(pk__in=candidate.exclude(pk__in=theirs).values("pk")) | Q(pk__in=list(checked))
    )


def waiting_for(articles, user, now):
    """{article id: Unreviewed} of every guide article among `articles` that waits
    for `user`'s medical review."""
    if not user.has_perm("articles.attest_medical_review"):
        return {}
    if workflow.medical_review_refusal(user) is not None:
        return {}  # no byline profile with credentials yet: every button would refuse
    found = {}
    selected = (
        candidates(articles)
        .exclude(status=Status.ARCHIVED)
        .exclude(author__user=user)  # their byline: the rule refuses these anyway
        .select_related("latest_revision", "scheduled_revision", "live_revision", "author")
        .only(*_WHERE, "author__user_id", *(f"{r}__{name}" for r in _REVISIONS for name in _RULE))
        .prefetch_related(history())
    )
    for article in selected:
        waiting = waiting_revision(article, user, now)
        if waiting is not None:
            found[article.pk] = waiting
    return found
