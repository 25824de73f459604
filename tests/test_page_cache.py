"""Anonymous readers get pages from the shared cache; changes refresh exactly the pages they touch."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from pagecache import hits
from pagecache import store as pagecache
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is", title="What mesotherapy is")


def get(client, url, **extra):
    response = client.get(url, **extra)
    return response, response.content.decode()


def test_second_anonymous_visit_is_served_from_cache_without_database_queries(client, article):
    first, first_html = get(client, "/guide/what-it-is/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second, second_html = get(Client(), "/guide/what-it-is/")
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second_html == first_html
    assert "What mesotherapy is" in second_html


def test_home_topic_person_and_site_pages_are_cached_too(client, article):
    page = factories.approve_and_publish(
        factories.draft_article(slug="about", title="About us", kind="page"),
        at=timezone.now() - timezone.timedelta(hours=1),
    )
    for url in [
        "/",
        article.topic.get_absolute_url(),
        article.author.get_absolute_url(),
        "/about/",
    ]:
        assert client.get(url)["X-Page-Cache"] == "miss", url
        assert client.get(url)["X-Page-Cache"] == "hit", url
    assert page.get_absolute_url() == "/about/"


def test_publishing_an_article_refreshes_its_page_home_topic_and_author_pages(client, article):
    listings = ["/", article.topic.get_absolute_url(), article.author.get_absolute_url()]
    for url in listings:
        client.get(url)
    new = factories.draft_article(
        slug="new-one", title="A brand new article", topic=article.topic, author=article.author
    )
    assert client.get("/guide/new-one/").status_code == 404
    factories.approve_and_publish(new, at=timezone.now() - timezone.timedelta(minutes=1))
    for url in listings:
        assert "A brand new article" in get(client, url)[1], url
    assert client.get("/guide/new-one/").status_code == 200


def test_unpublishing_takes_the_article_off_its_page_and_every_listing(client, article):
    for url in ["/guide/what-it-is/", "/", article.topic.get_absolute_url()]:
        client.get(url)
    workflow.unpublish(article, user=None)
    assert client.get("/guide/what-it-is/").status_code == 404
    assert "What mesotherapy is" not in get(client, "/")[1]
    assert "What mesotherapy is" not in get(client, article.topic.get_absolute_url())[1]


def test_new_live_text_replaces_the_cached_page(client, article, editor):
    client.get("/guide/what-it-is/")
    workflow.save_draft(article, user=editor, title="Updated title", summary="s", body="New words.")
    assert "Updated title" not in get(client, "/guide/what-it-is/")[1]  # a draft changes nothing
    factories.approve_and_publish(article)
    assert "Updated title" in get(client, "/guide/what-it-is/")[1]


def test_a_change_leaves_unrelated_pages_in_the_cache(client, article):
    other = factories.published_article(slug="other-topic-article", title="Elsewhere")
    client.get("/guide/what-it-is/")
    client.get(other.topic.get_absolute_url())
    workflow.unpublish(article, user=None)
    assert client.get(other.topic.get_absolute_url())["X-Page-Cache"] == "hit"
    new_draft = factories.draft_article(slug="quiet-draft", topic=other.topic)
    workflow.save_draft(new_draft, user=None, title="Still a draft", summary="s", body="Words.")
    assert client.get(other.topic.get_absolute_url())["X-Page-Cache"] == "hit"


def test_medical_review_of_the_live_text_shows_on_the_cached_page(
    client, article, medical_reviewer
):
    client.get("/guide/what-it-is/")
    article.refresh_from_db()
    workflow.attest_medical_review(article, article.live_revision, user=medical_reviewer)
    assert "Medically reviewed by" in get(client, "/guide/what-it-is/")[1]


def test_renaming_a_topic_refreshes_every_page(client, article):
    client.get("/guide/what-it-is/")
    article.topic.title = "Renamed section"
    article.topic.save()
    assert "Renamed section" in get(client, "/guide/what-it-is/")[1]


def test_a_scheduled_article_appears_when_due_although_pages_were_cached(
    client, article, monkeypatch
):
    in_an_hour = timezone.now() + timezone.timedelta(hours=1)
    factories.approve_and_publish(
        factories.draft_article(slug="scheduled", title="Scheduled article", topic=article.topic),
        at=in_an_hour,
    )
    assert "Scheduled article" not in get(client, "/")[1]
    assert client.get("/")["X-Page-Cache"] == "hit"

    later = timezone.now() + timezone.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(pagecache.time, "time", lambda: later.timestamp())
    assert "Scheduled article" in get(client, "/")[1]


def test_logged_in_staff_neither_read_nor_fill_the_cache(client, article, editor):
    client.force_login(editor)
    response = client.get("/guide/what-it-is/")
    assert "X-Page-Cache" not in response and "private" in response["Cache-Control"]
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "miss"
    assert "X-Page-Cache" not in client.get("/guide/what-it-is/")


def test_previews_are_never_cached(client, article, editor):
    workflow.save_draft(article, user=editor, title="Draft title", summary="s", body="Words.")
    # Anonymous readers can't preview: ?preview gets them the public page, from
    # the cache like any other parameter (it must not bypass it).
    anonymous, html = get(Client(), "/guide/what-it-is/?preview")
    assert anonymous["X-Page-Cache"] == "miss" and "Draft title" not in html
    client.force_login(editor)
    client.get("/guide/what-it-is/?preview")
    reader, html = get(Client(), "/guide/what-it-is/")
    assert reader["X-Page-Cache"] == "hit" and "Draft title" not in html


def test_unknown_query_parameters_neither_change_nor_bypass_the_page(client, article):
    client.get("/guide/what-it-is/")
    assert client.get("/guide/what-it-is/?utm_source=news&x=1")["X-Page-Cache"] == "hit"


def test_repeat_visits_get_304_not_modified(client, article):
    first = client.get("/guide/what-it-is/")
    assert first["ETag"]
    again = client.get("/guide/what-it-is/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    workflow.unpublish(article, user=None)
    factories.approve_and_publish(article)
    changed = client.get("/guide/what-it-is/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_the_site_works_uncached_when_the_cache_is_down(client, article, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", unreachable)
    monkeypatch.setattr(cache, "set_many", unreachable)
    response, html = get(client, "/guide/what-it-is/")
    assert response.status_code == 200 and "What mesotherapy is" in html
    workflow.unpublish(article, user=None)  # publishing does not fail on it either
    assert client.get("/guide/what-it-is/").status_code == 404


def test_a_cache_hit_still_counts_the_view(client, article, monkeypatch):
    counted = []
    monkeypatch.setitem(hits._handlers, "article-visit", lambda visit, pk: counted.append(pk))
    client.get("/guide/what-it-is/")
    client.get("/guide/what-it-is/")
    assert counted == [article.pk]  # the hit; the view itself counts misses


# --- Forms and shared caches -----------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_article_home_and_topic_pages_carry_no_token_and_a_cdn_may_keep_them(article, settings):
    settings.CDN_CACHE_SECONDS = 120
    for url in ["/guide/what-it-is/", "/", article.topic.get_absolute_url()]:
        for outcome in ("miss", "hit"):
            response = Client().get(url)
            assert response["X-Page-Cache"] == outcome, url
            assert response["Cache-Control"] == "public, max-age=0, s-maxage=120", url
            assert "csrfmiddlewaretoken" not in response.content.decode(), url
            assert not response.cookies, url


def test_the_comment_and_newsletter_form_pages_carry_each_visitor_their_own_token(article):
    for url in ["/guide/what-it-is/comments/", "/newsletter/"]:
        tokens = []
        for _ in range(2):
            response = Client().get(url)
            assert "X-Page-Cache" not in response, url
            assert "private" in response["Cache-Control"], url
            assert "s-maxage" not in response["Cache-Control"], url
            tokens.append(TOKEN.search(response.content.decode()).group(1))
        assert tokens[0] != tokens[1], url


@pytest.mark.urls("tests.pagecache_urls")
def test_a_marked_page_that_turns_out_to_carry_a_token_is_never_stored_nor_shared():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get("/form-page/"), second.get("/form-page/")]
    for page in pages:
        assert "X-Page-Cache" not in page
        assert "private" in page["Cache-Control"] and "s-maxage" not in page["Cache-Control"]
    first_token, second_token = (TOKEN.search(p.content.decode()).group(1) for p in pages)
    assert first.post("/sign-up/", {"csrfmiddlewaretoken": first_token}).status_code == 200
    assert second.post("/sign-up/", {"csrfmiddlewaretoken": second_token}).status_code == 200
    # One visitor's token is worth nothing to another.
    third = Client(enforce_csrf_checks=True)
    third.get("/form-page/")
    assert third.post("/sign-up/", {"csrfmiddlewaretoken": first_token}).status_code == 403


@pytest.mark.urls("tests.pagecache_urls")
def test_pages_without_a_form_tell_a_cdn_how_long_to_keep_them(settings):
    settings.CDN_CACHE_SECONDS = 120
    for outcome in ("miss", "hit"):
        response = Client().get("/plain-page/")
        assert response["X-Page-Cache"] == outcome
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=120"
        assert not response.cookies


# --- Reader features on cached pages -------------------------------------------------------


def test_approving_comments_in_the_admin_shows_them_on_the_cached_page(client, article, editor):
    from discussion.models import Comment

    pending = Comment.objects.create(article=article, name="Ben", body="Helpful words.")
    assert "Helpful words." not in get(Client(), "/guide/what-it-is/")[1]
    client.force_login(editor)
    client.post(
        "/admin/discussion/comment/",
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    assert "Helpful words." in get(Client(), "/guide/what-it-is/")[1]


def test_a_new_comment_awaiting_moderation_leaves_the_page_cached(article):
    from discussion.models import Comment, CommentStatus

    Client().get("/guide/what-it-is/")
    comment = Comment.objects.create(article=article, name="Cy", body="Pending words.")
    assert Client().get("/guide/what-it-is/")["X-Page-Cache"] == "hit"
    comment.status = CommentStatus.APPROVED
    comment.save()
    assert "Pending words." in get(Client(), "/guide/what-it-is/")[1]


def test_publishing_refreshes_the_more_to_read_of_articles_in_the_same_topic(article):
    neighbour = factories.published_article(
        slug="neighbour", title="Neighbour", topic=article.topic
    )
    elsewhere = factories.published_article(slug="elsewhere", title="Elsewhere")
    for url in ["/guide/neighbour/", "/guide/elsewhere/"]:
        Client().get(url)
    new = factories.draft_article(slug="fresh", title="Fresh article", topic=article.topic)
    factories.approve_and_publish(new, at=timezone.now() - timezone.timedelta(minutes=1))
    assert "Fresh article" in get(Client(), "/guide/neighbour/")[1]
    assert Client().get("/guide/elsewhere/")["X-Page-Cache"] == "hit"
    assert neighbour.topic == article.topic and elsewhere.topic != article.topic


def test_editors_picks_refresh_every_page(article):
    from discovery.models import EditorsPick

    other = factories.published_article(slug="elsewhere", title="Elsewhere")
    Client().get("/")
    Client().get("/guide/elsewhere/")
    EditorsPick.objects.create(article=article)
    assert Client().get("/")["X-Page-Cache"] == "miss"
    assert Client().get("/guide/elsewhere/")["X-Page-Cache"] == "miss"
    assert other.pk != article.pk


def test_two_readers_of_the_cached_article_can_each_post_a_comment(article):
    from discussion.models import Comment

    readers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    pages = [reader.get("/guide/what-it-is/") for reader in readers]
    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit"]
    for number, reader in enumerate(readers):
        form_page = reader.get("/guide/what-it-is/comments/").content.decode()
        response = reader.post(
            "/guide/what-it-is/comments/",
            {
                "name": f"Reader {number}",
                "body": "Thank you.",
                "email": "",
                "website": "",
                "csrfmiddlewaretoken": TOKEN.search(form_page).group(1),
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    assert Comment.objects.count() == 2


def test_a_partner_register_change_refreshes_every_page(article):
    factories.published_article(slug="elsewhere", title="Elsewhere")
    pages = ["/", "/guide/what-it-is/", "/guide/elsewhere/", article.topic.get_absolute_url()]
    for url in pages:
        Client().get(url)
    factories.affiliate_partner()
    for url in pages:
        assert Client().get(url)["X-Page-Cache"] == "miss", url


def test_cached_pages_are_sent_compressed_to_browsers_that_accept_gzip(client, article):
    import gzip

    plain = client.get("/guide/what-it-is/")
    assert plain["X-Page-Cache"] == "miss" and "Content-Encoding" not in plain
    compressed = Client().get("/guide/what-it-is/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Page-Cache"] == "hit" and compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    for response in (plain, compressed):
        assert "Accept-Encoding" in response["Vary"]  # a CDN keeps both
    refused = Client().get("/guide/what-it-is/", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and refused.content == plain.content
    # Revalidation works the same for both encodings.
    again = Client().get(
        "/guide/what-it-is/",
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=compressed["ETag"],
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "accept_encoding, compressed",
    [
        ("gzip, deflate, br, zstd", True),
        ("br", False),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.5", True),
        ("gzip;q=1;x=y", True),
        ("*", True),
        ("*, gzip;q=0", False),
        ("*;q=0, gzip", True),
    ],
)
def test_gzip_follows_the_clients_accept_encoding(article, accept_encoding, compressed):
    Client().get("/guide/what-it-is/")  # stored
    response = Client().get("/guide/what-it-is/", HTTP_ACCEPT_ENCODING=accept_encoding)
    assert (response.get("Content-Encoding") == "gzip") is compressed
