"""What the admin says when it refuses: the editor's words, not the code's."""

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests import factories
from tests.test_scheduling import HOUR, approved_update
from tests.test_stale_writes import act, logged_in

pytestmark = pytest.mark.django_db


def test_a_writer_refused_publishing_is_told_who_may_without_permission_codenames(writer):
    article = approved_update(factories.published_article(slug="plain"), writer, "New")
    response = act(logged_in(writer), article, "publish")
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Only editors publish" in said
    assert "articles." not in said and "publish_article" not in said


def test_a_conflict_after_a_scheduled_go_live_says_it_went_live_not_import(writer, editor):
    article = approved_update(factories.published_article(slug="went-live"), writer, "Later")
    workflow.publish(article, user=editor, at=timezone.now() + HOUR)
    opened = Article.objects.get(pk=article.pk).version
    workflow.publish_due(now=timezone.now() + 2 * HOUR)
    with pytest.raises(workflow.ChangedSinceOpened) as refusal:
        workflow.unpublish(Article(pk=article.pk), user=editor, expected_version=opened)
    said = " ".join(refusal.value.messages)
    assert "a scheduled revision went live" in said
    assert "import" not in said
