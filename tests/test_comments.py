"""Readers comment under articles; nothing shows until an editor approves it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from discussion.models import Comment, CommentStatus
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = {"name": "Ana", "email": "ana@example.com", "body": "Thank you, this helped.", "website": ""}


def post_url(article):
    return reverse("discussion:post", args=[article.slug])


def approved_comment(article, name="Ben", body="Helpful article."):
    return Comment.objects.create(
        article=article, name=name, body=body, status=CommentStatus.APPROVED
    )


def test_article_page_has_the_comment_form_without_a_token(client, guide):
    html = client.get(guide.get_absolute_url()).content.decode()
    comments = html.split('id="comments"')[1]
    assert (
        f'<form class="comment-form stacked-form" id="comment-form" method="post" action="{post_url(guide)}"'
        in comments
    )
    for field in ("name", "email", "body"):
        assert f'<label for="comment-{field}">' in comments
    assert "csrfmiddlewaretoken" not in html


def test_comment_form_page_has_an_accessible_form_and_leads_back(client, guide):
    response = client.get(post_url(guide))
    html = response.content.decode()
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "s-maxage" not in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html
    assert f'<a href="{guide.get_absolute_url()}">{guide.live_revision.title}</a>' in html
    assert f'action="{post_url(guide)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("name", "email", "body"):
        assert f'<label for="comment-{field}">' in html
        assert f'id="comment-{field}"' in html
    assert 'class="hp"' in html and 'name="website"' in html


def test_a_comment_waits_for_moderation_and_the_reader_is_told(client, guide):
    response = client.post(post_url(guide), GOOD, follow=True)
    assert "awaits moderation" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING and comment.article == guide
    assert "Thank you, this helped." not in client.get(guide.get_absolute_url()).content.decode()


def test_reader_sees_only_approved_comments_with_a_count(client, guide):
    approved_comment(guide, name="Ben", body="Approved words.")
    approved_comment(guide, name="Cy", body="More approved words.")
    Comment.objects.create(article=guide, name="Dee", body="Pending words.")
    Comment.objects.create(
        article=guide, name="Eve", body="Rejected words.", status=CommentStatus.REJECTED
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "Comments (2)" in html
    assert "Approved words." in html and "More approved words." in html
    assert "Pending words." not in html and "Rejected words." not in html


def test_commenter_email_is_never_shown(client, guide):
    Comment.objects.create(
        article=guide,
        name="Ben",
        email="ben-private@example.com",
        body="Hello",
        status=CommentStatus.APPROVED,
    )
    assert "ben-private@example.com" not in client.get(guide.get_absolute_url()).content.decode()


def test_comment_markup_is_escaped_and_links_are_ugc_nofollow(client, guide):
    approved_comment(
        guide,
        body='<script>alert(1)</script> <a href="javascript:alert(1)">x</a> see https://example.org/page',
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    body = html[html.index('class="comment-body"') :]
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    assert 'href="javascript' not in body
    link = re.search(r'<a href="https://example.org/page" rel="([^"]+)">', body)
    assert link and set(link.group(1).split()) == {"ugc", "nofollow", "noopener"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "Enter your name."),
        ({"body": "   "}, "Write your comment."),
        ({"email": "not-an-address"}, "Enter an email address like name@example.com"),
        ({"body": "x" * (Comment.BODY_MAX + 1)}, "at most 3,000 characters"),
        ({"name": "n" * (Comment.NAME_MAX + 1)}, "at most 80 characters"),
    ],
)
def test_rejected_comment_rerenders_with_messages_and_keeps_the_text(
    client, guide, change, message
):
    data = {**GOOD, "body": "My carefully typed thoughts.", **change}
    response = client.post(post_url(guide), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    field = next(iter(change))
    assert f'<a href="#comment-{field}">' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html
    kept = {k: v for k, v in data.items() if k != field and k != "website"}
    for value in kept.values():
        assert value in html
    assert not Comment.objects.exists()


def test_honeypot_submissions_are_dropped_quietly(client, guide):
    response = client.post(post_url(guide), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_comments_need_a_csrf_token(guide):
    client = Client(enforce_csrf_checks=True)
    assert client.post(post_url(guide), GOOD).status_code == 403
    assert not Comment.objects.exists()


def test_each_client_may_post_only_a_few_comments_in_a_while(client, guide):
    for n in range(5):
        assert client.post(post_url(guide), {**GOOD, "body": f"Comment {n}"}).status_code == 302
    response = client.post(post_url(guide), {**GOOD, "body": "One too many"})
    assert response.status_code == 429
    assert "several comments in a short time" in response.content.decode()
    assert "One too many" in response.content.decode()
    assert Comment.objects.count() == 5
    other = client.post(post_url(guide), {**GOOD, "body": "Elsewhere"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_no_comments_on_unpublished_articles(client):
    for article in factories.hidden_articles():
        assert client.get(post_url(article)).status_code == 404
        assert client.post(post_url(article), GOOD).status_code == 404
    assert not Comment.objects.exists()


def test_staff_approve_and_reject_comments_in_bulk_in_the_admin(client, guide, editor):
    pending = [Comment.objects.create(article=guide, name=f"R{n}", body=f"b{n}") for n in range(3)]
    client.force_login(editor)
    changelist = reverse("admin:discussion_comment_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist,
        {"action": "approve", "_selected_action": [pending[0].pk, pending[1].pk]},
        follow=True,
    )
    assert "2 comment(s) approved." in response.content.decode()
    client.post(changelist, {"action": "reject", "_selected_action": [pending[2].pk]})
    statuses = dict(Comment.objects.values_list("name", "status"))
    assert statuses == {"R0": "approved", "R1": "approved", "R2": "rejected"}
    moderated = Comment.objects.get(name="R0")
    assert moderated.moderated_by == editor and moderated.moderated_at is not None


def test_writers_cannot_moderate_comments(client, guide, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:discussion_comment_changelist")).status_code == 403


def test_only_staff_with_permission_see_the_moderation_queue(client, guide):
    get_user_model().objects.create_user("reader", password="pw")
    client.login(username="reader", password="pw")
    response = client.get(reverse("admin:discussion_comment_changelist"))
    assert response.status_code == 302  # to the admin login


def test_comment_text_keeps_paragraphs_and_links_only_web_addresses():
    from articles.rendering import render_comment

    html = render_comment(
        "First line\nsecond line\n\nNew paragraph: www.example.org javascript:alert(1) ftp://x.example/"
    )
    assert html.startswith("<p>First line<br>second line</p><p>New paragraph: ")
    assert '<a href="http://www.example.org"' in html
    assert html.count("<a ") == 1


def test_every_reader_gets_their_own_working_token_on_the_comment_form_page(guide):
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        page_tokens = token.findall(reader.get(post_url(guide)).content.decode())
        assert len(page_tokens) == 1
        response = reader.post(post_url(guide), {**GOOD, "csrfmiddlewaretoken": page_tokens[0]})
        assert response.status_code == 302
        tokens.append(page_tokens[0])
    assert tokens[0] != tokens[1]


def test_a_huge_refused_comment_is_not_sent_back_in_full(client, guide):
    huge = "Words of a very long comment. " * 35_000  # about 1 MB
    response = client.post(post_url(guide), {**GOOD, "body": huge})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"it has {len(huge.strip())}" in html
    assert huge[: 10 * Comment.BODY_MAX] in html  # what the reader needs to shorten it
    assert len(response.content) < 100_000
    assert not Comment.objects.exists()
