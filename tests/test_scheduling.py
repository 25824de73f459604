"""Scheduling belongs to a revision: readers keep the live text until the
scheduled one's moment, then every page, feed, sitemap and search result
switches, with the page cache on; publishing now supersedes a schedule, and a
schedule can be moved or cancelled."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, RevisionState
from pagecache import store as pagecache
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def at_minute(moment):
    """A moment as the admin's datetime-local field sends it (to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def act(client, article, action, data=None):
    version = Article.objects.get(pk=article.pk).version
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    return client.post(url, {"version": version, **(data or {})}, follow=True)


def approved_update(article, writer, title):
    workflow.save_draft(article, user=writer, title=title, summary="New summary.", body="New body.")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    factories.approve(article)
    return Article.objects.get(pk=article.pk)


def travel_to(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(pagecache.time, "time", lambda: moment.timestamp())


@pytest.fixture
def live(db):
    return factories.published_article(slug="sched", title="Old title")


@pytest.fixture
def as_editor(editor):
    client = Client()
    client.force_login(editor)
    return client


READER_URLS = ("/guide/sched/", "/", "/feeds/rss/", "/search/?q=title")
SITEMAP = "/sitemap-articles.xml"


def test_a_scheduled_revision_of_a_live_article_goes_live_on_time_everywhere(
    live, writer, as_editor, monkeypatch
):
    reader = Client()
    article = approved_update(live, writer, "New title")
    when = timezone.now() + 2 * HOUR
    response = act(as_editor, article, "publish", {"publish_at": at_minute(when)})
    assert "is scheduled for" in response.content.decode()

    for url in READER_URLS:  # read now, and cached
        html = reader.get(url).content.decode()
        assert "New title" not in html, url
    old_lastmod = f"<lastmod>{timezone.localdate(article.last_published_at)}</lastmod>"
    assert old_lastmod in reader.get(SITEMAP).content.decode()
    assert reader.get("/guide/sched/")["X-Page-Cache"] == "hit"
    assert "Old title" in reader.get("/guide/sched/").content.decode()

    travel_to(monkeypatch, when + timezone.timedelta(minutes=1))
    for url in READER_URLS:
        html = reader.get(url).content.decode()
        assert "New title" in html, url
    new_lastmod = f"<lastmod>{timezone.localdate(when)}</lastmod>"
    assert new_lastmod in reader.get(SITEMAP).content.decode()
    article.refresh_from_db()
    assert article.live_revision.title == "New title" and article.scheduled_revision is None
    assert article.events.first().action == "go_live"


def test_publish_now_supersedes_a_schedule(live, writer, editor):
    article = approved_update(live, writer, "New title")
    workflow.publish(article, user=editor, at=timezone.now() + HOUR)
    workflow.publish(article, user=editor)
    article.refresh_from_db()
    assert article.live_revision.title == "New title"
    assert article.scheduled_revision is None and article.go_live_at is None
    assert "New title" in Client().get("/guide/sched/").content.decode()


def test_a_schedule_can_be_moved_and_cancelled(live, writer, as_editor):
    article = approved_update(live, writer, "New title")
    first, later = timezone.now() + HOUR, timezone.now() + 5 * HOUR
    act(as_editor, article, "publish", {"publish_at": at_minute(first)})
    act(as_editor, article, "publish", {"publish_at": at_minute(later)})
    article.refresh_from_db()
    assert at_minute(article.go_live_at) == at_minute(later)
    assert article.scheduled_revision.go_live_at == article.go_live_at

    html = act(as_editor, article, "cancel_schedule").content.decode()
    assert "The schedule is cancelled" in html
    article.refresh_from_db()
    assert article.scheduled_revision is None
    assert article.latest_revision.state == RevisionState.APPROVED  # can be scheduled again
    assert article.live_revision.title == "Old title"


def test_the_admin_shows_scheduled_as_its_own_state_with_filter_and_column(live, writer, as_editor):
    article = approved_update(live, writer, "New title")
    when = timezone.now() + 3 * HOUR
    act(as_editor, article, "publish", {"publish_at": at_minute(when)})
    fresh = factories.approve(factories.draft_article(slug="brand-new", title="Brand new"))
    workflow.publish(fresh, user=factories.colleague(), at=when)

    listing = reverse("admin:articles_article_changelist")
    html = as_editor.get(listing, {"state": "scheduled"}).content.decode()
    local = timezone.localtime(Article.objects.get(pk=article.pk).go_live_at)
    label = f"Scheduled for {local:%-d %b %Y, %H:%M} {local.tzname()}"
    assert html.count(label) >= 2  # state and column, for each
    assert "Brand new" in html and "New title" in html
    assert "Live r1</td>" not in html  # a scheduled first publication is not "live"
    assert "Old title" not in as_editor.get(listing, {"state": "live"}).content.decode()
    assert Client().get("/guide/brand-new/").status_code == 404


def test_publishing_a_newer_revision_now_overrides_a_scheduled_first_publication(writer, editor):
    article = factories.approve_and_publish(
        factories.draft_article(slug="first", title="First", user=writer),
        at=timezone.now() + 5 * HOUR,
    )
    approved_update(article, writer, "Second")
    workflow.publish(article, user=editor)
    html = Client().get("/guide/first/").content.decode()
    assert "Second" in html


def test_a_refused_schedule_keeps_what_changed(live, writer, as_editor):
    article = approved_update(live, writer, "New title")
    soon = timezone.now() + HOUR
    response = act(
        as_editor,
        article,
        "publish",
        {
            "publish_at": at_minute(soon),
            "unpublish_at": at_minute(soon - HOUR),
            "change_summary": "Adds the 2026 trial.",
        },
    )
    html = response.content.decode()
    assert "Publish: not done. The unpublish time must be after the publish time." in html
    assert 'value="Adds the 2026 trial."' in html
    assert Article.objects.get(pk=article.pk).scheduled_revision is None


def test_the_cron_command_publishes_what_is_due(live, writer, editor, monkeypatch):
    from django.core.management import call_command

    article = approved_update(live, writer, "New title")
    workflow.publish(article, user=editor, at=timezone.now() + HOUR)
    travel_to(monkeypatch, timezone.now() + 2 * HOUR)
    call_command("publish_scheduled", verbosity=0)
    assert Article.objects.get(pk=article.pk).live_revision.title == "New title"


def test_no_page_is_kept_past_the_next_moment_of_a_published_document():
    from pagecache.schedule import lifetime

    now = timezone.now()
    assert lifetime(24 * 3600) == (24 * 3600, None)  # nothing scheduled
    factories.approve_and_publish(factories.draft_article(slug="later"), at=now + 3 * HOUR)
    factories.approve_and_publish(
        factories.draft_article(slug="leaving"), at=now - HOUR, until=now + 2 * HOUR
    )
    factories.approve_and_publish(  # its moment has passed
        factories.draft_article(slug="gone"), at=now - 2 * HOUR, until=now - HOUR
    )
    seconds, day = lifetime(24 * 3600)
    assert 2 * 3600 - 60 < seconds <= 2 * 3600 and day is None
    workflow.unpublish(Article.objects.get(slug="leaving"), user=None)  # no moment left there
    assert 3 * 3600 - 60 < lifetime(24 * 3600)[0] <= 3 * 3600
