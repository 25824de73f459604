"""What waits on each person ("My work" on the admin index).

Each queue is one query, used twice: for the count on the dashboard and, as
the article list's "Waiting on me" filter, for the list the count links to,
so the two always agree. Which queues a person sees follows their role's
permissions (articles/roles.py).
"""

from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from . import medical_queue
from .models import Article, Kind, ReviewEvent, Revision, RevisionState, Status
from .review_cycle import DUE_SOON_DAYS

PARAMETER = "work"
SHOWN_PER_QUEUE = 5


def _open(articles):
    return articles.exclude(status=Status.ARCHIVED)


def _written_by(user):
    return Q(latest_revision__created_by=user) | Q(author__user=user)


def my_drafts(articles, user, now):
    return _open(articles).filter(
        latest_revision__state=RevisionState.DRAFT, latest_revision__created_by=user
    )


def returned_to_me(articles, user, now):
    return _open(articles).filter(
        _written_by(user), latest_revision__state=RevisionState.CHANGES_REQUESTED
    )


def _wrote_unpublished_text(user):
    """They saved a revision since the last published one: part of the text under
    review is theirs (workflow._is_author; a restore's older writers are left to
    the button's reason)."""
    last_published = (
        Revision.objects.filter(article=OuterRef(OuterRef("pk")), published_at__isnull=False)
        .values("article")
        .annotate(number=Max("number"))
        .values("number")
    )
    return Exists(
        Revision.objects.filter(
            article=OuterRef("pk"),
            created_by=user,
            number__gt=Coalesce(Subquery(last_published), 0),
        )
    )


def waiting_for_my_review(articles, user, now):
    # Not text they wrote or that carries their byline: they could not approve it.
    waiting = (
        _open(articles)
        .filter(latest_revision__state=RevisionState.IN_REVIEW)
        .exclude(_wrote_unpublished_text(user))
        .exclude(author__user=user)
    )
    if user.has_perm("articles.attest_medical_review"):
        if not user.has_perm("articles.publish_article"):
            waiting = waiting.filter(kind=Kind.ARTICLE)  # site pages need no medical review
        # Text under review that still needs their medical review is in that
        # queue (its review screen has both buttons); it comes here once attested.
        medical = medical_queue.waiting_for(waiting, user, now)
        waiting = waiting.exclude(
            pk__in=[pk for pk, w in medical.items() if w.revision.state == RevisionState.IN_REVIEW]
        )
    return waiting


def needs_medical_review(articles, user, now):
    """Guide articles with a revision in review, approved, scheduled or live that
    has no medical review and that `user` may attest (medical_queue)."""
    return medical_queue.waiting_for_queryset(articles, user, now)


def ready_to_publish(articles, user, now):
    return _open(articles).filter(
        latest_revision__state=RevisionState.APPROVED, latest_revision__go_live_at__isnull=True
    )


def scheduled(articles, user, now):
    return articles.filter(
        Q(scheduled_revision__isnull=False) | Q(status=Status.PUBLISHED, publish_at__gt=now)
    )


def _in_review_cycle(articles):
    return articles.exclude(status__in=[Status.ARCHIVED, Status.DRAFT])


def reviews_overdue(articles, user, now):
    return _in_review_cycle(articles).filter(review_due_at__lt=now)


def reviews_due(articles, user, now):
    soon = now + timezone.timedelta(days=DUE_SOON_DAYS)
    return _in_review_cycle(articles).filter(review_due_at__gte=now, review_due_at__lte=soon)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    permission: str
    select: object  # (articles, user, now) -> queryset of articles
    empty: str


QUEUES = [
    Queue(
        "drafts",
        "My drafts",
        "articles.submit_article",
        my_drafts,
        "No draft of yours waits to be submitted.",
    ),
    Queue(
        "returned",
        "Returned to me with a note",
        "articles.submit_article",
        returned_to_me,
        "Nothing was returned to you.",
    ),
    Queue(
        "medical",
        "Needs medical review",
        "articles.attest_medical_review",
        needs_medical_review,
        "Every guide article you may review has its medical review.",
    ),
    Queue(
        "to_review",
        "Waiting for my review",
        "articles.review_article",
        waiting_for_my_review,
        "Nothing is waiting for your review.",
    ),
    Queue(
        "ready",
        "Approved, ready to publish",
        "articles.publish_article",
        ready_to_publish,
        "No approved revision waits to be published.",
    ),
    Queue("scheduled", "Scheduled", "articles.publish_article", scheduled, "Nothing is scheduled."),
    Queue(
        "overdue",
        "Periodic reviews overdue",
        "articles.review_article",
        reviews_overdue,
        "No periodic review is overdue.",
    ),
    Queue(
        "due",
        f"Periodic reviews due within {DUE_SOON_DAYS} days",
        "articles.review_article",
        reviews_due,
        f"No periodic review is due in the next {DUE_SOON_DAYS} days.",
    ),
]
BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user):
    return [queue for queue in QUEUES if user.has_perm(queue.permission)]


@dataclass(frozen=True)
class WorkItem:
    """One article in a queue: where its link goes, the reviewer's note of a
    returned one, and for a medical review which revision ("revision 4, live, ...")."""

    article: Article
    url: str
    note: str = ""
    facts: str = ""


@dataclass
class WorkSummary:
    label: str
    count: int
    url: str
    items: list  # WorkItem, the first few
    empty: str
    shows_due_date: bool = False


def _changelist(key):
    return f"{reverse('admin:articles_article_changelist')}?{PARAMETER}={key}"


def _return_notes(articles):
    """The note of the request for changes on each article's latest revision."""
    events = ReviewEvent.objects.filter(
        action="request_changes", revision_id__in=[a.latest_revision_id for a in articles]
    ).order_by("created_at", "id")
    return {event.revision_id: event.note for event in events}


def _items(key, articles, user, now):
    if key == "medical":
        # The revision each one waits with, linked to its review screen and the button.
        waiting = [medical_queue.waiting_revision(article, user, now) for article in articles]
        return [
            WorkItem(article, w.url, facts=w.words)
            for article, w in zip(articles, waiting, strict=True)
            if w is not None
        ]
    notes = _return_notes(articles) if key == "returned" else {}
    return [
        WorkItem(
            article,
            reverse("admin:articles_article_change", args=[article.pk]),
            note=notes.get(article.latest_revision_id, ""),
        )
        for article in articles
    ]


def my_work(user, now=None):
    """What waits on `user`, queue by queue, with the count, the filtered list's
    address, and the first few articles ("returned" ones with the reviewer's note)."""
    now = now or timezone.now()
    summaries = []
    for queue in queues_for(user):
        selected = queue.select(Article.objects.all(), user, now)
        count = selected.count()
        order = "review_due_at" if queue.key in {"overdue", "due"} else "-modified_at"
        # The first few picked by id, then loaded with their revisions: sorting
        # whole rows with their texts took 1 s with 10,000 articles waiting.
        shown = list(selected.order_by(order).values_list("pk", flat=True)[:SHOWN_PER_QUEUE])
        loaded = Article.objects.filter(pk__in=shown).select_related(
            "latest_revision", "live_revision", "scheduled_revision", "author"
        )
        if queue.key == "medical":
            loaded = loaded.prefetch_related(medical_queue.history())
        first = sorted(loaded, key=lambda article: shown.index(article.pk))
        items = _items(queue.key, first, user, now)
        summaries.append(
            WorkSummary(
                queue.label,
                count,
                _changelist(queue.key),
                items,
                queue.empty,
                shows_due_date=queue.key in {"overdue", "due"},
            )
        )
    comments = _comments_to_moderate(user)
    if comments is not None:
        summaries.append(comments)
    return summaries


def _comments_to_moderate(user):
    from discussion.models import Comment, CommentStatus

    if not user.has_perm("discussion.change_comment"):
        return None
    pending = Comment.objects.filter(status=CommentStatus.PENDING)
    url = f"{reverse('admin:discussion_comment_changelist')}?status__exact={CommentStatus.PENDING}"
    return WorkSummary(
        "Reader comments to moderate", pending.count(), url, [], "No reader comment waits."
    )


class WaitingOnMeFilter(admin.SimpleListFilter):
    """The article list filtered to one of the person's own queues (the dashboard's links)."""

    title = "waiting on me"
    parameter_name = PARAMETER

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in queues_for(request.user)]

    def queryset(self, request, queryset):
        queue = BY_KEY.get(self.value())
        if queue is None or not request.user.has_perm(queue.permission):
            return queryset
        return queue.select(queryset, request.user, timezone.now())
