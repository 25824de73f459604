import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from articles import search as site_search
from mesoguide import ratelimit
from partners import registry
from readership import counting
from tests import factories


def _media_root(tmp_path):
    # The run's own base folder (pytest-N): other runs on this machine (colleagues',
    # in parallel) must not add or remove files under a test's eyes.
    return tmp_path.parent / "media"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, monkeypatch):
    # A fast hasher: test users need no real password stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Login throttling needs the request, which Client.login() does not pass;
    # test_production.py switches it on where it is tested.
    settings.AXES_ENABLED = False
    # Pictures tests upload or import go to a folder of this run; renditions are
    # named after their picture, so the launch drawings are encoded once a run.
    settings.MEDIA_ROOT = _media_root(tmp_path)
    # Visits reach the shared counter at once (batching is tested on its own).
    settings.VIEW_COUNT_PUSH_SECONDS = 0
    # Rate-limit counters and buffered view counts must not leak between tests.
    cache.clear()
    monkeypatch.setattr(site_search, "_limited_until", {})
    monkeypatch.setattr(ratelimit, "_counted_here", {})
    monkeypatch.setattr(counting, "_pending", counting._PendingVisits())
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_partner_register():
    # Test transactions roll back without signals, so a cached register could outlive its test.
    registry.forget()


@pytest.fixture
def guide(db):
    """A small published guide: one topic, one author, one live article."""
    return factories.published_article()


def _user_in(role, username):
    from django.contrib.auth import get_user_model

    # Named: readers are told who reviewed an article, so approvers need a name.
    user = get_user_model().objects.create_user(
        username, password="pw", is_staff=True, first_name=username.capitalize(), last_name="Tester"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def writer(db):
    return _user_in("Writer", "writer")


@pytest.fixture
def other_writer(db):
    return _user_in("Writer", "writer2")


@pytest.fixture
def medical_reviewer(db):
    # Attesting needs a byline profile with full name and credentials.
    from articles.models import Person

    user = _user_in("Medical reviewer", "reviewer")
    Person.objects.create(
        slug="reviewer-tester", name="Reviewer Tester", credentials="MD", user=user
    )
    return user


@pytest.fixture
def editor(db):
    return _user_in("Editor", "editor")


@pytest.fixture
def other_editor(db):
    return _user_in("Editor", "editor2")


@pytest.fixture(autouse=True)
def _no_local_page_copies():
    # The page cache's per-process copies must not outlive the cleared cache.
    from pagecache.store import local_copies

    local_copies.forget()
    yield
    local_copies.forget()
