"""Page-cache hits answered before Django (pagecache/wsgi.py): the same bytes and
headers Django would send, 304s, gzip, the release in the key, counted visits;
everything the layer cannot judge goes on to Django."""

import gzip

import pytest
from django.test import Client, RequestFactory

from pagecache import store
from pagecache.wsgi import PageCacheWSGI
from readership import counting
from tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
URL = "/guide/what-it-is/"


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is", title="What mesotherapy is")


class Django:
    """Stands for the Django application behind the layer: records what reaches it."""

    def __init__(self):
        self.reached = []

    def __call__(self, environ, start_response):
        self.reached.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from Django"]


def call(path=URL, method="get", **extra):
    """(status line, headers dict, body, whether Django was reached)."""
    django = Django()
    environ = getattr(RequestFactory(), method)(path, **extra).environ
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, headers

    body = b"".join(PageCacheWSGI(django)(environ, start_response))
    return answer["status"], dict(answer["headers"]), body, bool(django.reached)


def test_a_hit_is_answered_before_django_with_the_bytes_and_headers_django_sends(article):
    assert Client().get(URL)["X-Page-Cache"] == "miss"
    through_django = Client().get(URL)
    status, headers, body, reached = call()
    assert not reached and status == "200 OK"
    assert body == through_django.content and b"What mesotherapy is" in body
    assert headers == dict(through_django.items())
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert header in headers, header
    assert headers["Content-Length"] == str(len(body))


def test_hsts_is_replayed_on_https(article, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    Client().get(URL, secure=True)
    status, headers, _body, reached = call(secure=True)
    assert not reached
    assert headers["Strict-Transport-Security"].startswith("max-age=3600")


def test_plain_http_under_ssl_redirect_goes_on_to_be_redirected(article, settings):
    Client().get(URL)
    settings.SECURE_SSL_REDIRECT = True
    assert call()[3], "Django answers with its redirect"


def test_a_conditional_get_of_an_unchanged_page_is_a_304(article):
    etag = Client().get(URL)["ETag"]
    status, headers, body, reached = call(HTTP_IF_NONE_MATCH=etag)
    assert (status, body, reached) == ("304 Not Modified", b"", False)
    assert headers["ETag"] == etag
    assert "Content-Security-Policy" in headers and "Content-Type" not in headers
    assert call(HTTP_IF_NONE_MATCH='W/"another"')[0] == "200 OK"


def test_gzip_for_clients_that_take_it(article):
    plain = Client().get(URL).content
    status, headers, body, _ = call(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain
    assert headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in call(HTTP_ACCEPT_ENCODING="gzip;q=0")[1]


def test_head_gets_the_headers_without_the_body(article):
    Client().get(URL)
    status, headers, body, reached = call(method="head")
    assert (status, body, reached) == ("200 OK", b"", False)
    assert int(headers["Content-Length"]) > 0


def test_a_new_release_never_serves_the_previous_releases_pages(article, monkeypatch):
    Client().get(URL)
    assert not call()[3]
    monkeypatch.setattr(store, "release", lambda: "next-release")
    assert call()[3], "a miss: Django builds the new release's page"


def test_a_refreshed_page_goes_to_django(article):
    Client().get(URL)
    factories.revise_and_publish(article, title="What mesotherapy is, corrected")
    assert call()[3]


def test_visitors_django_must_judge_go_on_to_django(article):
    Client().get(URL)
    assert call(HTTP_COOKIE="sessionid=abc")[3], "a session cookie: is it a real session?"
    assert call(HTTP_COOKIE="messages=abc")[3], "pending messages"
    assert call(method="post")[3]
    assert call(HTTP_HOST="evil.example")[3], "a host not allowed: Django's 400"
    assert call("/search/?q=x")[3], "not a cached page"
    assert call("/admin/")[3]


def test_query_strings_only_count_through_the_pages_own_parameters(article):
    topic = article.topic.get_absolute_url()
    Client().get(topic)
    assert not call(f"{topic}?utm_source=mail")[3], "other parameters are ignored"
    assert call(f"{topic}?page=01")[3], "Django gives the view the canonical number"
    assert call(f"{topic}?page=x")[3], "Django's 404"
    Client().get(f"{topic}?page=1")
    assert not call(f"{topic}?page=1")[3]


def test_a_hit_before_django_counts_a_readers_visit(article):
    Client().get(URL)
    before = counting.view_count(article)
    call(HTTP_USER_AGENT=BROWSER)
    call(HTTP_USER_AGENT=BROWSER, QUERY_STRING="preview")
    call(HTTP_USER_AGENT="curl/8.0")
    call(HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert counting.view_count(article) == before + 1, "one reader; not a preview, bot or prefetch"


def test_the_site_wsgi_application_has_the_layer_in_front():
    from mesoguide.wsgi import application

    assert isinstance(application, PageCacheWSGI)
