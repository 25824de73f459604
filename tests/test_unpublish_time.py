"""An article's unpublish time stays until an editor changes it on purpose, and
every change to it is in the history."""

import pytest
from django.utils import timezone

from articles.models import Article
from tests import factories
from tests.test_scheduling import HOUR, act, approved_update, at_minute
from tests.test_stale_writes import logged_in

pytestmark = pytest.mark.django_db


def _to_the_minute(moment):
    return moment.replace(second=0, microsecond=0)


def _live_with_unpublish_time(writer):
    article = factories.published_article(slug="expiring")
    until = _to_the_minute(timezone.now() + 5 * HOUR)
    Article.objects.filter(pk=article.pk).update(unpublish_at=until)
    return approved_update(Article.objects.get(pk=article.pk), writer, "Correction"), until


def test_publishing_now_keeps_a_colleagues_unpublish_time(writer, editor):
    article, until = _live_with_unpublish_time(writer)
    act(logged_in(editor), article, "publish", {"change_summary": "Typo."})
    article = Article.objects.get(pk=article.pk)
    assert article.live_revision.title == "Correction"
    assert article.unpublish_at == until


def test_removing_the_unpublish_time_is_explicit_and_in_the_history(writer, editor):
    article, until = _live_with_unpublish_time(writer)
    act(logged_in(editor), article, "publish", {"clear_unpublish_at": "on"})
    article = Article.objects.get(pk=article.pk)
    assert article.unpublish_at is None
    assert "Unpublish time:" in article.events.first().note
    assert article.events.first().note.endswith("→ none.")


def test_scheduling_a_revision_honours_its_unpublish_time(writer, editor):
    article = approved_update(factories.published_article(slug="sched-until"), writer, "Later")
    when = timezone.now() + 2 * HOUR
    until = _to_the_minute(when + 3 * HOUR)
    act(
        logged_in(editor),
        article,
        "publish",
        {"publish_at": at_minute(when), "unpublish_at": at_minute(until)},
    )
    article = Article.objects.get(pk=article.pk)
    assert article.scheduled_revision.title == "Later"
    assert article.unpublish_at == until
    assert "Unpublish time: none →" in article.events.first().note
