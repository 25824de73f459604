"""Each kind of change purges exactly the URLs it refreshes from the front cache, after
commit; an editor's publish succeeds while the front cache is down, and a change
rolled back purges nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from articles import workflow
from discussion.models import Comment, CommentStatus
from frontcache import purging
from frontcache.models import PendingPurge
from tests import factories
from tests.test_front_cache_purging import FakeFrontCache

ARTICLE_LISTINGS = {"/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/sitemap-articles.xml"}


@pytest.fixture
def front_cache(settings, monkeypatch):
    settings.FRONTEND_CACHE_PURGE_IN_BACKGROUND = False
    fake = FakeFrontCache()
    monkeypatch.setattr(purging, "configured_backend", lambda: fake)
    return fake


def purged_paths(front_cache):
    return {path for call in front_cache.purged if call != "every page" for path in call}


@pytest.mark.django_db
def test_publishing_purges_the_article_its_listings_feeds_and_sitemap(
    front_cache, django_capture_on_commit_callbacks
):
    article = factories.approve(factories.draft_article(slug="new-one"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=factories.colleague())
    purged = purged_paths(front_cache)
    assert {"/guide/new-one/", f"/topics/{article.topic.slug}/", *ARTICLE_LISTINGS} <= purged
    assert "every page" not in front_cache.purged


@pytest.mark.django_db
def test_unpublishing_purges_the_article_everywhere_it_was_listed(
    front_cache, django_capture_on_commit_callbacks
):
    article = factories.published_article(slug="going")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article, user=factories.colleague(), note="Outdated")
    purged = purged_paths(front_cache)
    assert {"/guide/going/", f"/topics/{article.topic.slug}/", *ARTICLE_LISTINGS} <= purged


@pytest.mark.django_db
def test_a_correction_to_a_live_article_purges_it_and_its_listings(
    front_cache, django_capture_on_commit_callbacks
):
    article = factories.published_article(slug="corrected")
    with django_capture_on_commit_callbacks(execute=True):
        factories.revise_and_publish(
            article, title="What mesotherapy is (corrected)", change_summary="Dose fixed"
        )
    assert {"/guide/corrected/", "/feeds/rss/", "/feeds/atom/"} <= purged_paths(front_cache)


@pytest.mark.django_db
def test_an_approved_comment_purges_only_its_article(
    front_cache, django_capture_on_commit_callbacks
):
    article = factories.published_article(slug="commented")
    comment = Comment.objects.create(article=article, name="Reader", body="Thanks.")
    assert front_cache.purged == []  # awaiting moderation, it shows nowhere
    comment.status = CommentStatus.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        comment.save()
    assert front_cache.purged == [["/guide/commented/"]]


@pytest.mark.django_db
def test_a_partner_change_purges_every_page(front_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.affiliate_partner()
    assert "every page" in front_cache.purged


@pytest.mark.django_db(transaction=True)
def test_a_publish_rolled_back_purges_nothing(front_cache):
    article = factories.approve(factories.draft_article(slug="never"))
    front_cache.purged.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article, user=factories.colleague())
        raise RuntimeError("something after the publish failed")
    assert front_cache.purged == []
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db
def test_an_editor_publishes_while_the_front_cache_is_down(
    front_cache, django_capture_on_commit_callbacks
):
    front_cache.down = True
    article = factories.approve(factories.draft_article(slug="urgent-fix"))
    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client = Client()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/admin/articles/article/{article.pk}/workflow/publish/",
            {"version": article.version, "note": ""},
            follow=True,
        )
    assert "is published: readers see it now" in answer.content.decode()
    assert Client().get("/guide/urgent-fix/").status_code == 200
    pending = PendingPurge.objects.all()  # kept for purge_front_cache to retry
    assert "/guide/urgent-fix/" in {path for row in pending for path in row.paths}
    assert {row.attempts for row in pending} == {1}
