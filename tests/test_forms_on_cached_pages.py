"""The comment form and the newsletter sign-up sit on cached pages without a CSRF
token: the pages stay the same for every reader, and each reader's script fetches
their own token from an endpoint that is never cached."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from discussion.models import Comment, CommentStatus
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE = "/guide/what-it-is/"
COMMENTS = reverse("discussion:post", args=["what-it-is"])
SUBSCRIBE = reverse("newsletter:subscribe")
TOKEN_URL = reverse("form_token")
GOOD = {"name": "Ana", "email": "", "body": "Thank you, this helped.", "website": ""}


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is", title="What mesotherapy is")


def form(html, action):
    """The HTML of the form posting to action, or None."""
    match = re.search(rf'<form [^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    return match and match.group(0)


def why_not_shared(first, second):
    """What keeps two anonymous readers' responses for one page from being one shared page."""
    problems = []
    for response in (first, second):
        html = response.content.decode()
        if "csrfmiddlewaretoken" in html:
            problems.append("the page carries a CSRF token")
        if response.cookies:
            problems.append(f"the page sets cookies: {sorted(response.cookies)}")
        if not response.get("Cache-Control", "").startswith("public"):
            problems.append(f"Cache-Control: {response.get('Cache-Control')}")
    if [first.get("X-Page-Cache"), second.get("X-Page-Cache")] != ["miss", "hit"]:
        problems.append("the page cache did not store the page")
    if first.content != second.content:
        problems.append("the two readers got different pages")
    return problems


def two_anonymous_readers(url):
    first = Client(enforce_csrf_checks=True).get(url)
    second_reader = Client(enforce_csrf_checks=True)
    second_reader.get(TOKEN_URL)  # this one has a token cookie already
    assert "csrftoken" in second_reader.cookies
    return first, second_reader.get(url)


def test_the_article_page_has_both_forms_without_a_token_and_is_shared_by_every_reader(article):
    first, second = two_anonymous_readers(ARTICLE)
    assert why_not_shared(first, second) == []
    html = first.content.decode()
    comment_form = form(html, COMMENTS)
    assert comment_form and 'data-token-url="/forms/token/"' in comment_form
    for field in ("name", "email", "body", "website"):
        assert f'name="{field}"' in comment_form
    assert html.index('id="comment-form"') > html.index('id="comments-title"')
    assert html.count(f'action="{SUBSCRIBE}"') == 2  # the footer and the end of the article
    assert 'id="newsletter-footer-email"' in html and 'id="newsletter-article-email"' in html
    assert '<script src="/static/js/form-token.js" defer></script>' in html


def test_every_page_has_the_footer_sign_up_form_and_stays_shared(article):
    for url in ["/", article.topic.get_absolute_url(), article.author.get_absolute_url()]:
        first, second = two_anonymous_readers(url)
        assert why_not_shared(first, second) == [], url
        assert form(first.content.decode(), SUBSCRIBE), url


def test_rendering_itself_does_not_depend_on_the_reader(article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    first, second = two_anonymous_readers(ARTICLE)
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert first.content == second.content


def test_a_form_that_carried_a_token_would_be_caught(article, settings):
    # The check above must be able to fail: render the comment form as on its own page.
    engine = settings.TEMPLATES[0]
    source = (settings.BASE_DIR / "templates/discussion/_comments.html").read_text()
    assert " shared_page=True" in source
    loaders = [
        (
            "django.template.loaders.locmem.Loader",
            {"discussion/_comments.html": source.replace(" shared_page=True", "")},
        ),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = [
        {**engine, "APP_DIRS": False, "OPTIONS": {**engine["OPTIONS"], "loaders": loaders}}
    ]
    first, second = two_anonymous_readers(ARTICLE)
    problems = why_not_shared(first, second)
    assert "the page carries a CSRF token" in problems
    assert "the page cache did not store the page" in problems
    assert "private" in first["Cache-Control"]


def test_the_token_endpoint_is_never_cached_and_sets_the_token_cookie(article):
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(TOKEN_URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control and "public" not in cache_control
    assert "X-Page-Cache" not in response
    assert "Cookie" in response["Vary"]
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    token = response.json()["token"]
    assert reader.get(TOKEN_URL).json()["token"] != token  # masked afresh, same secret


def test_the_fetched_token_lets_the_inline_forms_post_in_one_step(article, mailoutbox):
    reader = Client(enforce_csrf_checks=True)
    assert "csrfmiddlewaretoken" not in reader.get(ARTICLE).content.decode()
    token = reader.get(TOKEN_URL).json()["token"]
    response = reader.post(COMMENTS, {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Comment.objects.get().status == CommentStatus.PENDING
    data = {"email": "reader@example.com", "website": "", "csrfmiddlewaretoken": token}
    assert reader.post(SUBSCRIBE, data).status_code == 302
    assert len(mailoutbox) == 1


def test_one_readers_token_is_worth_nothing_to_another(article):
    token = Client().get(TOKEN_URL).json()["token"]
    other = Client(enforce_csrf_checks=True)
    other.get(TOKEN_URL)
    response = other.post(COMMENTS, {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 403
    assert not Comment.objects.exists()
