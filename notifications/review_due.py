"""Telling reviewers about periodic reviews that fall due (manage.py review_due --notify)."""

from django.utils import timezone

from .rules import review_due_notice
from .sending import deliver


def notify_due_reviews(articles, now=None):
    """Notify once per article and due date; returns how many notifications were new.

    The key holds the due date, so a rerun (cron) tells nobody twice, and a
    new due date after the next review is told again.
    """
    now = now or timezone.now()
    told = 0
    for article in articles:
        if article.review_due_at is None:
            continue
        notice = review_due_notice(article, now)
        key = f"review_due:{article.pk}:{article.review_due_at:%Y-%m-%d}"
        told += len(deliver(notice, key=key, article=article))
    return told
