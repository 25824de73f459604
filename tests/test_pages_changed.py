"""What each app's changes refresh: the URL paths pagecache's pages_changed
announces after commit (for a front cache), app by app."""

import pytest
from django.db import transaction
from django.utils import timezone

from articles import scheduling, workflow
from articles import signals as article_signals
from pagecache.signals import pages_changed
from tests import factories

pytestmark = pytest.mark.django_db

FEEDS_AND_SITEMAP = {
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/sitemap-home.xml",
    "/sitemap-topics.xml",
    "/sitemap-articles.xml",
    "/sitemap-pages.xml",
}


@pytest.fixture
def announced():
    """Every (paths, all_pages) pages_changed carries, in order."""
    from mesoguide.release import release
    from pagecache import refresh

    refresh._release_seen.add(release())  # the running release was announced long ago
    sent = []

    def record(sender, paths, all_pages, **kwargs):
        assert isinstance(paths, frozenset)
        sent.append((paths, all_pages))

    pages_changed.connect(record, dispatch_uid="test-announced")
    yield sent
    pages_changed.disconnect(dispatch_uid="test-announced")


def union(sent):
    paths = frozenset().union(*(paths for paths, _ in sent)) if sent else frozenset()
    return paths, any(all_pages for _, all_pages in sent)


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is")


def article_pages(article):
    return {
        "/guide/what-it-is/",
        "/",
        article.topic.get_absolute_url(),
        article.author.get_absolute_url(),
        *FEEDS_AND_SITEMAP,
    }


# --- articles ---------------------------------------------------------------------


def test_publishing_announces_the_article_its_listings_feeds_and_sitemap_after_commit(
    announced, django_capture_on_commit_callbacks
):
    draft = factories.approve(factories.draft_article(slug="what-it-is"))
    sibling = factories.published_article(slug="sibling", topic=draft.topic)
    announced.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.publish(draft, user=factories.colleague())
    assert announced == [], "nothing before the commit"
    for callback in callbacks:
        callback()
    paths, all_pages = union(announced)
    assert paths == article_pages(draft) | {sibling.get_absolute_url()}
    assert not all_pages


def test_unpublishing_announces_the_same_pages(
    article, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article, user=None)
    assert union(announced) == (article_pages(article), False)


def test_a_correction_announces_the_article_pages(
    article, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.revise_and_publish(article, title="What mesotherapy is (corrected)")
    paths, all_pages = union(announced)
    assert paths == article_pages(article) and not all_pages


def test_saving_a_draft_announces_nothing(article, announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.save_draft(article, user=None, title="Work in progress", summary="S.", body="B.")
    assert announced == []


def test_moving_an_article_announces_its_old_and_new_topic(
    article, announced, django_capture_on_commit_callbacks
):
    old_topic = article.topic
    with django_capture_on_commit_callbacks(execute=True):
        article.topic = factories.topic(slug="new-home")
        article.save()
    paths, _ = union(announced)
    assert {old_topic.get_absolute_url(), "/topics/new-home/"} <= paths


def test_a_site_page_change_announces_every_page(announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_article(slug="about", kind="page")
    paths, all_pages = union(announced)
    assert all_pages and "/about/" in paths


def test_renaming_a_topic_announces_every_page(
    article, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.topic.title = "Renamed"
        article.topic.save()
    assert union(announced) == (frozenset(), True)


def test_nothing_is_announced_for_a_change_rolled_back(
    article, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.unpublish(article, user=None)
            raise RuntimeError("the editor's request failed later")
    assert callbacks == [] and announced == []


def test_the_workflow_sends_published_and_unpublished_after_commit(
    article, django_capture_on_commit_callbacks
):
    seen = []
    article_signals.published.connect(
        lambda sender, article, **kw: seen.append(("published", article.pk)),
        weak=False,
        dispatch_uid="t-p",
    )
    article_signals.unpublished.connect(
        lambda sender, article, **kw: seen.append(("unpublished", article.pk)),
        weak=False,
        dispatch_uid="t-u",
    )
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.unpublish(article, user=None)
        assert seen == []
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            factories.approve_and_publish(article)
    finally:
        article_signals.published.disconnect(dispatch_uid="t-p")
        article_signals.unpublished.disconnect(dispatch_uid="t-u")
    assert seen == [("unpublished", article.pk), ("published", article.pk)]


# --- schedules ----------------------------------------------------------------------


def test_a_scheduled_revision_going_live_is_announced_when_applied(
    article, announced, django_capture_on_commit_callbacks
):
    moment = timezone.now() + timezone.timedelta(hours=1)
    workflow.save_draft(article, user=None, title="Next version", summary="S.", body="B.")
    factories.approve(article)
    workflow.publish(article, user=factories.colleague(), at=moment)
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_if_due(moment - timezone.timedelta(seconds=1)) == 0
    assert announced == [], "not before its moment"
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_if_due(moment + timezone.timedelta(seconds=1)) == 1
    paths, all_pages = union(announced)
    assert paths == article_pages(article) and not all_pages


def test_a_publication_time_reached_is_announced_once(
    announced, django_capture_on_commit_callbacks
):
    now = timezone.now()
    scheduling.publish_if_due(now)  # the site has been running: moments are announced from now
    moment = now + timezone.timedelta(hours=1)
    upcoming = factories.approve_and_publish(factories.draft_article(slug="what-it-is"), at=moment)
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.publish_if_due(moment + timezone.timedelta(seconds=1))
        scheduling.publish_if_due(moment + timezone.timedelta(seconds=2))
    assert announced == [(frozenset(article_pages(upcoming)), False)]


def test_an_unpublish_time_reached_is_announced(announced, django_capture_on_commit_callbacks):
    now = timezone.now()
    scheduling.publish_if_due(now)
    until = now + timezone.timedelta(hours=1)
    leaving = factories.approve_and_publish(
        factories.draft_article(slug="what-it-is"), at=now - timezone.timedelta(days=1), until=until
    )
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.publish_if_due(until + timezone.timedelta(seconds=1))
    assert union(announced) == (article_pages(leaving), False)


# --- discussion ----------------------------------------------------------------------


def test_approving_a_comment_announces_only_its_article(
    article, announced, django_capture_on_commit_callbacks
):
    from discussion.models import Comment, CommentStatus

    comment = Comment.objects.create(article=article, name="Reader", body="Thanks.")
    assert announced == [], "a comment awaiting moderation shows nowhere"
    with django_capture_on_commit_callbacks(execute=True):
        comment.status = CommentStatus.APPROVED
        comment.save()
    assert announced == [(frozenset({"/guide/what-it-is/"}), False)]


# --- discovery -----------------------------------------------------------------------


def test_an_editors_pick_announces_every_page(
    article, announced, django_capture_on_commit_callbacks
):
    from discovery.models import EditorsPick

    with django_capture_on_commit_callbacks(execute=True):
        EditorsPick.objects.create(article=article)
    assert union(announced)[1]
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        factories.revise_and_publish(article, title="A picked article, corrected")
    assert union(announced)[1], "a picked article shows beside every article"


def test_a_related_article_change_announces_the_pages_that_chose_it(
    article, announced, django_capture_on_commit_callbacks
):
    from discovery.models import RelatedArticle

    elsewhere = factories.published_article(slug="elsewhere")
    with django_capture_on_commit_callbacks(execute=True):
        RelatedArticle.objects.create(article=elsewhere, related=article)
    assert announced == [(frozenset({"/guide/elsewhere/"}), False)]
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article, user=None)
    assert "/guide/elsewhere/" in union(announced)[0]


# --- partners ------------------------------------------------------------------------


def test_a_partner_change_announces_every_page(announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.affiliate_partner()
    assert union(announced) == (frozenset(), True)


# --- releases --------------------------------------------------------------------------


def test_a_new_release_is_announced_once_as_every_page(article, announced, monkeypatch):
    from django.test import Client

    from pagecache import refresh, store

    monkeypatch.setattr(refresh, "release", lambda: "release-2")
    monkeypatch.setattr(store, "release", lambda: "release-2")
    monkeypatch.setattr(refresh, "_release_seen", set())
    Client().get("/guide/what-it-is/")
    Client().get("/")
    monkeypatch.setattr(refresh, "_release_seen", set())  # another app server
    Client().get("/guide/what-it-is/")
    assert announced == [(frozenset(), True)]
