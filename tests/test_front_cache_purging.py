"""Pages the site announces as changed leave the front cache after commit; a purge
that fails is kept, logged and retried, and never fails the change itself."""

import logging
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from frontcache import purging
from frontcache.backends import PurgeFailed
from frontcache.models import PendingPurge
from pagecache.signals import pages_changed


class FakeFrontCache:
    """Records what it is asked to purge; `down` makes every call fail."""

    def __init__(self):
        self.purged = []
        self.down = False

    def purge(self, paths):
        self._call(sorted(paths))

    def purge_all(self):
        self._call("every page")

    def _call(self, what):
        if self.down:
            raise PurgeFailed("front cache unreachable")
        self.purged.append(what)


@pytest.fixture
def front_cache(settings, monkeypatch):
    settings.FRONTEND_CACHE_PURGE_IN_BACKGROUND = False
    settings.CDN_CACHE_SECONDS = 24 * 3600  # the default with purging on
    fake = FakeFrontCache()
    monkeypatch.setattr(purging, "configured_backend", lambda: fake)
    return fake


def _send(paths, all_pages):
    pages_changed.send(sender=None, paths=frozenset(paths), all_pages=all_pages)


@pytest.fixture
def announce(django_capture_on_commit_callbacks):
    """Announce a change as the page cache does, after its transaction commits
    (the test's own transaction stands in for the change's)."""

    def announce(paths=(), all_pages=False):
        with django_capture_on_commit_callbacks(execute=True):
            _send(paths, all_pages)

    return announce


@pytest.mark.django_db
def test_announced_pages_are_purged_at_once_and_again_shortly_after(front_cache, announce):
    announce({"/guide/x/", "/", "/feeds/rss/"})
    assert front_cache.purged == [["/", "/feeds/rss/", "/guide/x/"]]
    # The repeat (for a page built from the old data and cached just after the
    # purge) is the purge thread's; purge_front_cache sends it if that thread died.
    assert purging.purge_due() == (set(), 0, 0)
    purging.purge_due(now=_after_repeat())
    assert front_cache.purged == [["/", "/feeds/rss/", "/guide/x/"]] * 2
    assert not PendingPurge.objects.exists()


def _after_repeat():
    return timezone.now() + timedelta(seconds=6) + purging.LEASE


@pytest.mark.django_db
def test_a_site_wide_change_purges_every_page(front_cache, announce):
    announce(all_pages=True)
    assert front_cache.purged == ["every page"]


@pytest.mark.django_db
def test_nothing_is_purged_without_a_configured_front_cache(settings, announce):
    settings.FRONTEND_CACHE_BACKEND = ""
    purging.configured_backend.cache_clear()
    announce({"/guide/x/"})
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db
def test_a_failed_purge_is_logged_kept_and_retried_until_it_succeeds(front_cache, caplog, announce):
    front_cache.down = True
    with caplog.at_level(logging.WARNING, logger="frontcache"):
        announce({"/guide/x/"})
    pending = PendingPurge.objects.get()
    assert pending.attempts == 1 and pending.paths == ["/guide/x/"]
    assert "front cache unreachable" in pending.last_error
    assert "Front-cache purge of /guide/x/ failed" in caplog.text
    # Not before its pause (30 s), so a dead cache is not hammered every minute.
    assert purging.purge_due() == (set(), 0, 0)
    later = pending.next_attempt_at + timedelta(seconds=1)
    purging.purge_due(now=later)  # still down: the pause doubles
    pending.refresh_from_db()
    assert pending.attempts == 2
    assert pending.next_attempt_at - later >= timedelta(seconds=59)
    front_cache.down = False
    assert purging.purge_due(now=pending.next_attempt_at) == ({"/guide/x/"}, 1, 0)
    assert front_cache.purged == [["/guide/x/"]]
    assert PendingPurge.objects.get().sent_once  # only the repeat is left


@pytest.mark.django_db
def test_retries_of_several_changes_go_out_in_one_call(front_cache, announce):
    front_cache.down = True
    announce({"/guide/a/", "/"})
    announce({"/guide/b/", "/"})
    front_cache.down = False
    purging.purge_due(now=timezone.now() + timedelta(minutes=1))
    assert front_cache.purged == [["/", "/guide/a/", "/guide/b/"]]


@pytest.mark.django_db
def test_a_purge_whose_sender_died_is_sent_once_its_claim_runs_out(front_cache):
    # The process recorded the purge and died before its thread sent it.
    purging.PendingPurge.objects.create(
        paths=["/guide/x/"], next_attempt_at=timezone.now() + purging.LEASE
    )
    assert purging.purge_due() == (set(), 0, 0)  # still held by its sender
    purging.purge_due(now=timezone.now() + purging.LEASE + timedelta(seconds=1))
    assert front_cache.purged == [["/guide/x/"]]


@pytest.mark.django_db
def test_a_purge_older_than_the_cdn_lifetime_is_dropped_with_an_error(
    front_cache, caplog, announce
):
    front_cache.down = True
    announce({"/guide/x/"})
    a_day_later = timezone.now() + timedelta(days=1, seconds=1)
    with caplog.at_level(logging.ERROR, logger="frontcache"):
        assert purging.purge_due(now=a_day_later) == (set(), 0, 1)
    assert "Gave up 1 front-cache purge(s)" in caplog.text
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_purged_for_a_change_rolled_back(front_cache):
    with pytest.raises(RuntimeError), transaction.atomic():
        _send({"/guide/x/"}, False)
        raise RuntimeError("the editor's change failed")
    assert front_cache.purged == []
    assert not PendingPurge.objects.exists()
    with transaction.atomic():
        _send({"/guide/x/"}, False)
        assert front_cache.purged == []  # not before the commit
    assert front_cache.purged == [["/guide/x/"]]


@pytest.mark.django_db(transaction=True)
def test_purges_leave_on_their_own_thread(front_cache, settings):
    settings.FRONTEND_CACHE_PURGE_IN_BACKGROUND = True
    settings.FRONTEND_CACHE_REPEAT_SECONDS = 0.1
    purging._forget_executor()
    _send({"/guide/x/"}, False)
    deadline = time.monotonic() + 10
    # Watching the list, not the table: on SQLite a read here while the thread
    # deletes the row makes its DELETE fail at once ("table is locked").
    while len(front_cache.purged) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the repeat's timer hands it to the thread after 0.1 s
    purging._executor.shutdown(wait=True)
    purging._forget_executor()
    assert front_cache.purged == [["/guide/x/"]] * 2
    assert not PendingPurge.objects.exists()


@pytest.mark.django_db
def test_the_operator_can_purge_every_page_and_see_whether_it_worked(front_cache, capsys):
    call_command("purge_front_cache", "--all")
    assert front_cache.purged == ["every page"]
    assert "Every page was purged" in capsys.readouterr().out
    front_cache.down = True
    call_command("purge_front_cache", "--all")
    assert "will be retried" in capsys.readouterr().err
    assert PendingPurge.objects.filter(all_pages=True, attempts=1).exists()


@pytest.mark.django_db
def test_the_retry_command_reports_what_it_sent(front_cache, announce, capsys):
    front_cache.down = True
    announce({"/guide/x/"})
    front_cache.down = False
    PendingPurge.objects.update(next_attempt_at=timezone.now())  # its pause is over
    call_command("purge_front_cache")
    assert "1 purge(s) sent (1 path(s))" in capsys.readouterr().out


@pytest.mark.django_db
def test_operators_see_the_purges_waiting_and_why_in_the_admin(front_cache, announce, client):
    front_cache.down = True
    announce({f"/guide/a-{n}/" for n in range(7)})
    client.force_login(
        get_user_model().objects.create_superuser("operator", "op@example.org", "pw")
    )
    page = client.get("/admin/frontcache/pendingpurge/").content.decode()
    assert "/guide/a-0/, /guide/a-1/" in page and "and 2 more" in page
    assert "front cache unreachable" in page
    assert "/admin/frontcache/pendingpurge/add/" not in page
