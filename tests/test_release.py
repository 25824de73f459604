"""After a deploy, readers get pages built by the new release: cached pages and kept
parts of the previous release, which may link to static files that are gone, are
never served (mesoguide/release.py)."""

import json

import pytest
from django.test import Client

from mesoguide import release as release_module
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is", title="What mesotherapy is")


@pytest.fixture
def deploy(monkeypatch):
    """Switch the running release, as a deploy does."""

    def to(name):
        monkeypatch.setattr(release_module.settings, "RELEASE", name)
        release_module.release.cache_clear()

    yield to
    release_module.release.cache_clear()


def test_a_new_release_builds_its_own_pages(article, deploy):
    deploy("first")
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "miss"
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "hit"
    deploy("second")
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "miss"
    deploy("first")  # both releases running side by side keep their own pages
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "hit"


def test_a_new_release_builds_its_own_article_parts(settings, article, deploy):
    settings.PAGE_CACHE_SECONDS = 0
    deploy("first")
    Client().get("/guide/what-it-is/")
    # The old release's text part, changed behind the cache, is what it keeps showing ...
    revision = article.live_revision
    type(revision).objects.filter(pk=revision.pk).update(body_html="<p>Built anew.</p>")
    assert "Built anew." not in Client().get("/guide/what-it-is/").content.decode()
    deploy("second")  # ... until a new release builds its own
    assert "Built anew." in Client().get("/guide/what-it-is/").content.decode()


def test_without_a_name_the_release_is_a_fingerprint_of_code_templates_and_static_files(
    settings, tmp_path, deploy
):
    deploy("")
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {"css/site.css": "a"}}))
    before = release_module.release()
    assert before == release_module.release() and len(before) == 16
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {"css/site.css": "b"}}))
    release_module.release.cache_clear()
    assert release_module.release() != before
