"""Which articles are due for their periodic review: one rule for the admin
dashboard, the list filter's neighbours and the review_due command."""

from django.utils import timezone

from .models import Article, RevisionState, Status

DUE_SOON_DAYS = 30


def due_for_review(within_days=DUE_SOON_DAYS, now=None):
    """Live or unpublished articles whose review date falls before now + within_days, soonest first."""
    now = now or timezone.now()
    return (
        Article.objects.exclude(status__in=[Status.ARCHIVED, Status.DRAFT])
        .filter(review_due_at__lte=now + timezone.timedelta(days=within_days))
        .select_related("latest_revision", "live_revision")
        .order_by("review_due_at")
    )


def awaiting_review():
    return (
        Article.objects.filter(latest_revision__state=RevisionState.IN_REVIEW)
        .exclude(status=Status.ARCHIVED)
        .select_related("latest_revision__created_by")
        .order_by("latest_revision__created_at")
    )
