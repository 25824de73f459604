"""A rebuilt article page takes its slow parts from the shared cache
(articles/article_page.py), yet shows every change as soon as the whole page would.

The page cache is off in these tests, so every request rebuilds the page and
only the kept parts can be stale.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from articles import footer, workflow
from articles.article_page import published_article, reader_context, reader_page
from articles.models import Article
from discovery.models import EditorsPick
from discussion.models import Comment, CommentStatus
from pagecache import store as pagecache
from readership.models import ArticleViewCount
from tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _pages_rebuilt_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def page(client, article, **extra):
    response = client.get(article.get_absolute_url(), **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_a_rebuilt_page_takes_its_text_from_the_kept_parts(client, guide):
    first = page(client, guide)  # builds and keeps the parts
    # A change made behind the site's back (no save signal, no refresh) ...
    type(guide.live_revision).objects.filter(pk=guide.live_revision_id).update(
        body_html="<p>Changed behind the cache.</p>"
    )
    # ... doesn't show: the text comes from the kept part, not the database.
    assert page(client, guide) == first
    assert "Changed behind the cache." not in first
    assert f"<title>{guide.live_revision.title} · MesoGuide</title>" in first
    for piece in ('class="breadcrumbs"', "<h1>", 'class="prose"', 'id="comments"'):
        assert first.count(piece) == 1, piece
    assert 'class="site-footer"' in first and 'class="site-header"' in first


def test_a_new_revision_shows_at_once(client, guide):
    page(client, guide)
    factories.revise_and_publish(guide, title="A clearer title")
    html = page(client, guide)
    assert "A clearer title" in html and "What mesotherapy is" not in html


def test_an_approved_comment_shows_at_once(client, guide):
    page(client, guide)
    comment = Comment.objects.create(article=guide, name="Ana", body="Held for moderation.")
    assert "Held for moderation." not in page(client, guide)
    comment.status = CommentStatus.APPROVED
    comment.save()
    assert "Held for moderation." in page(client, guide)


def test_a_renamed_topic_shows_in_the_breadcrumbs_at_once(client, guide):
    page(client, guide)
    guide.topic.title = "Renamed topic"
    guide.topic.save()
    assert "Renamed topic</a></li>" in page(client, guide)


def test_an_unpublished_article_is_gone_at_once_though_its_parts_are_kept(client, guide):
    page(client, guide)
    workflow.unpublish(guide, user=None)
    assert client.get(guide.get_absolute_url()).status_code == 404


def test_the_view_count_is_fresh_on_every_rebuild(guide):
    ArticleViewCount.objects.create(article=guide, count=1999)
    reader = Client(HTTP_USER_AGENT=BROWSER)
    assert "2,000 views" in page(reader, guide)
    assert "2,001 views" in page(reader, guide)


def test_parts_built_for_one_host_name_are_not_served_to_another(settings, guide):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    settings.SITE_URL = ""
    page(Client(), guide, HTTP_HOST="one.example")
    html = page(Client(), guide, HTTP_HOST="two.example")
    assert "one.example" not in html and "http://two.example/guide/" in html


def test_an_editors_preview_shows_the_draft_without_reader_parts(client, guide, editor):
    page(client, guide)  # the reader's parts are kept
    workflow.save_draft(guide, user=None, title="Draft title", summary="Draft.", body="New text.")
    client.force_login(editor)
    html = page(client, guide, data={"preview": ""})
    assert "Draft title" in html and "What mesotherapy is" not in html
    for reader_part in ('id="comments"', 'class="article-aside"', " views ·", 'class="share"'):
        assert reader_part not in html, reader_part
    client.logout()
    assert "What mesotherapy is" in page(client, guide)


def test_without_the_shared_cache_the_page_is_still_built(client, guide, monkeypatch):
    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", unavailable)
    assert "What mesotherapy is" in page(client, guide)


def test_the_one_query_shows_exactly_the_articles_published_shows(guide):
    hidden = factories.hidden_articles()
    site_page = factories.published_article(slug="about", kind="page")
    ArticleViewCount.objects.create(article=guide, count=7)
    assert published_article(guide.slug) == (guide.pk, guide.live_revision_id, 7)
    for article in [*hidden, site_page]:
        assert published_article(article.slug) is None, article.slug
    assert published_article("no-such-article") is None
    visible = {a.slug for a in Article.objects.published().guide_articles()}
    everything = Article.objects.values_list("slug", flat=True)
    assert {slug for slug in everything if published_article(slug)} == visible


def test_the_one_query_follows_the_clock(guide, monkeypatch):
    now = timezone.now()
    scheduled = factories.approve_and_publish(
        factories.draft_article(slug="scheduled"), at=now + timedelta(hours=1)
    )
    assert published_article("scheduled") is None
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    assert published_article("scheduled") == (scheduled.pk, scheduled.live_revision_id, None)


def test_each_process_keeps_the_parts_it_used_for_a_moment(settings, client, guide, monkeypatch):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    page(client, guide)
    read = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: read.extend(keys) or real_get_many(keys))
    page(client, guide)
    # The parts and the view total (and the next scheduled moment): no round trip.
    assert read == []
    # A change made in this process is shown at once: its refresh forgets the copies.
    Comment.objects.create(
        article=guide, name="Ana", body="Approved at once.", status=CommentStatus.APPROVED
    )
    assert "Approved at once." in page(client, guide)


def test_a_page_stored_for_everyone_never_takes_a_part_this_process_kept_before_a_refresh(
    settings, guide
):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_LOCAL_SECONDS = 60  # stands for "within the last second"
    other = factories.published_article(slug="other", topic=guide.topic, author=guide.author)
    about = factories.published_article(slug="about", title="About us", kind="page")
    Client().get(guide.get_absolute_url())  # this process keeps the site's parts
    # Another app server renames a site page: it refreshes every page, and this
    # process's own copies are not forgotten.
    type(about.live_revision).objects.filter(pk=about.live_revision_id).update(title="Who we are")
    footer.forget()
    pagecache.write_new_versions([pagecache.EVERY_PAGE])
    Client().get(other.get_absolute_url())  # rebuilt here and stored for everyone
    pagecache.local_copies.forget()  # a moment later
    response = Client().get(other.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "Who we are" in response.content.decode()


def test_parts_kept_under_an_old_slug_are_not_shown_under_the_new_one(guide):
    old_slug, old_url = guide.slug, guide.get_absolute_url()
    article_id, revision_id, _views = published_article(old_slug)  # decided before the rename ...
    Article.objects.filter(pk=guide.pk).update(slug="renamed")
    guide.refresh_from_db()
    guide.save()  # ... the rename refreshes both slugs' pages ...
    request = RequestFactory().get(old_url)
    request.user = AnonymousUser()
    reader_context(request, old_slug, article_id, revision_id, 0)  # ... keeps parts after it
    assert old_url not in page(Client(), guide)


def test_a_reader_still_gets_the_page_when_the_shared_cache_is_down(guide, monkeypatch):
    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("get_many", "get", "add", "incr", "decr", "set", "set_many", "delete"):
        monkeypatch.setattr(cache, name, unavailable)
    reader = Client(HTTP_USER_AGENT=BROWSER, raise_request_exception=False)
    assert "What mesotherapy is" in page(reader, guide)


def test_a_rebuilt_page_is_the_whole_template_with_its_count(rf, guide):
    # The page around the count is rendered once per set of parts (reader_page):
    # the bytes must be those of rendering the whole template, every time.
    ArticleViewCount.objects.create(article=guide, count=4335)
    request = rf.get(guide.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    request.user = AnonymousUser()
    context = reader_context(request, guide.slug, *published_article(guide.slug))
    count = render_to_string("articles/_view_count.html", {"views": context["views"]})
    whole = render_to_string("articles/article.html", {**context, "view_count": count}, request)
    assert '<p class="article-stats">4,335 views · <a href=' in whole
    for _ in range(2):  # rendered, then around the count kept by this process
        assert reader_page(request, context).decode() == whole


def test_the_rebuilt_home_page_shows_each_publication_and_unpublication_at_once(client):
    # The home page keeps each topic's list and the editors' picks apart
    # (views._home_guide): each must follow the changes that touch it.
    first, second = factories.topic(title="First steps"), factories.topic(title="Second steps")
    kept = factories.published_article(slug="kept", title="Kept in the first", topic=first)
    client.get("/")  # every list kept
    newcomer = factories.published_article(slug="new", title="Newly in the second", topic=second)
    home = client.get("/").content.decode()
    assert "Newly in the second" in home and "Kept in the first" in home
    assert home.index("First steps") < home.index("Second steps")  # in the topics' order
    workflow.unpublish(newcomer, user=None)
    home = client.get("/").content.decode()
    assert "Newly in the second" not in home and "Second steps" not in home  # an empty topic goes
    EditorsPick.objects.create(article=kept, order=1)
    picks = client.get("/").content.decode().split('id="guide"')[0]
    assert "Editors’ picks" in picks and "Kept in the first" in picks
