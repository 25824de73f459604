"""A comment or sign-up sent without a CSRF token (no script) is refused as
always, stores and mails nothing, and comes back on the form's own page, filled
in and with the reader's token, to be confirmed in one more click. Every other
refused POST gets the 403 page."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from discussion.models import Comment, CommentStatus
from newsletter.models import Subscriber, SubscriberState
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBSCRIBE = reverse("newsletter:subscribe")
COMMENT = {"name": "Ana", "email": "ana@example.com", "body": "My typed thoughts.", "website": ""}
SIGNUP = {"email": "reader@example.com", "website": ""}
REFUSED = "Your form was not sent"


@pytest.fixture
def comments_url(db):
    article = factories.published_article(slug="what-it-is")
    return reverse("discussion:post", args=[article.slug])


def reader():
    return Client(enforce_csrf_checks=True)


def nothing_kept():
    return not Comment.objects.exists() and not Subscriber.objects.exists() and not mail.outbox


def assert_confirm_page(response, message, button):
    html = response.content.decode()
    # 403: the POST was refused; see CONFIRM_STATUS in mesoguide/form_tokens.py.
    assert response.status_code == 403
    assert message in html and f">{button}</button>" in html
    assert REFUSED not in html
    assert len(TOKEN.findall(html)) == 1, "one token: the main form's, not the footer's"
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]
    assert nothing_kept()
    return TOKEN.search(html).group(1)


def test_a_comment_without_a_token_comes_back_filled_in_and_one_click_sends_it(comments_url):
    visitor = reader()
    response = visitor.post(comments_url, COMMENT)
    token = assert_confirm_page(
        response, "Please check and confirm your comment", "Confirm and send comment"
    )
    html = response.content.decode()
    assert 'value="Ana"' in html and 'value="ana@example.com"' in html
    assert "My typed thoughts.</textarea>" in html
    assert "There is a problem" not in html

    sent = visitor.post(comments_url, {**COMMENT, "csrfmiddlewaretoken": token}, follow=True)
    assert "awaits moderation" in sent.content.decode()
    comment = Comment.objects.get()
    assert (comment.name, comment.body, comment.status) == (
        "Ana",
        "My typed thoughts.",
        CommentStatus.PENDING,
    )


def test_a_sign_up_without_a_token_comes_back_filled_in_and_one_click_sends_it(db):
    visitor = reader()
    response = visitor.post(SUBSCRIBE, SIGNUP)
    token = assert_confirm_page(
        response, "Please check and confirm your sign-up", "Confirm and subscribe"
    )
    assert 'value="reader@example.com"' in response.content.decode()

    sent = visitor.post(SUBSCRIBE, {**SIGNUP, "csrfmiddlewaretoken": token}, follow=True)
    assert "check your inbox" in sent.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.com"]


def test_the_confirm_page_shows_what_is_wrong_with_the_form(comments_url):
    response = reader().post(comments_url, {**COMMENT, "email": "not-an-address", "body": ""})
    html = response.content.decode()
    assert_confirm_page(response, "Please put right the points below", "Confirm and send comment")
    assert "There is a problem" in html and 'href="#comment-email"' in html
    assert "Write your comment." in html and 'value="not-an-address"' in html

    signup = reader().post(SUBSCRIBE, {**SIGNUP, "email": "reader@"})
    assert_confirm_page(signup, "Please put right the address below", "Confirm and subscribe")
    assert 'href="#newsletter-page-email"' in signup.content.decode()


def test_a_reader_with_the_cookie_but_no_token_in_the_form_is_asked_to_confirm(comments_url):
    visitor = reader()
    visitor.get(reverse("form_token"))
    response = visitor.post(comments_url, COMMENT)
    assert_confirm_page(
        response, "Please check and confirm your comment", "Confirm and send comment"
    )


def test_a_wrong_token_gets_the_403_page_and_stores_nothing(comments_url):
    visitor = reader()
    visitor.get(reverse("form_token"))
    for url, data in [(comments_url, COMMENT), (SUBSCRIBE, SIGNUP)]:
        response = visitor.post(url, {**data, "csrfmiddlewaretoken": "x" * 64})
        assert response.status_code == 403 and REFUSED in response.content.decode()
        assert "Confirm and" not in response.content.decode()
    assert nothing_kept()


def test_a_token_without_the_cookie_explains_cookies_and_stores_nothing(comments_url):
    # Cookies disabled: the confirm page's token comes back without its cookie.
    token = TOKEN.search(reader().post(comments_url, COMMENT).content.decode()).group(1)
    response = reader().post(comments_url, {**COMMENT, "csrfmiddlewaretoken": token})
    html = response.content.decode()
    assert response.status_code == 403 and REFUSED in html
    assert "Allow cookies for this site" in html
    assert nothing_kept()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"secure": True, "HTTP_REFERER": "https://elsewhere.example/page/"},
    ],
    ids=["origin", "referer"],
)
def test_a_cross_site_post_gets_the_403_page_and_stores_nothing(comments_url, headers):
    for url, data in [(comments_url, COMMENT), (SUBSCRIBE, SIGNUP)]:
        response = reader().post(url, data, **headers)
        assert response.status_code == 403 and REFUSED in response.content.decode(), url
    assert nothing_kept()


def test_other_forms_without_a_token_get_the_403_page(db):
    response = reader().post(reverse("admin:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403 and REFUSED in response.content.decode()


def test_bots_filling_the_honeypot_without_a_token_learn_nothing(comments_url):
    response = reader().post(comments_url, {**COMMENT, "website": "http://spam.example"})
    assert response.status_code == 302
    response = reader().post(SUBSCRIBE, {**SIGNUP, "website": "http://spam.example"})
    assert response.status_code == 302
    assert nothing_kept()


def test_posts_without_a_token_count_against_the_public_post_limit(comments_url, settings):
    settings.PUBLIC_POST_LIMIT = 2
    visitor = reader()
    assert visitor.post(comments_url, COMMENT).status_code == 403
    assert visitor.post(SUBSCRIBE, SIGNUP).status_code == 403
    assert visitor.post(comments_url, COMMENT).status_code == 429
    assert nothing_kept()
