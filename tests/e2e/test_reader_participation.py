"""A reader comments on an article and signs up for the newsletter, in a real browser:
with JavaScript in one click on the (cached, token-free) page itself; without it,
with one more click on a confirm page."""

import re

from playwright.sync_api import expect

from discussion.models import Comment, CommentStatus
from newsletter.models import Subscriber, SubscriberState
from tests.e2e.public_pages import ARTICLE, open_comment_form, submit

COMMENT = (
    "Thank you for the clear sources.\n\nDoes the split-thigh trial say how long results lasted?"
)


def posts_made_by(page):
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    return posts


def test_reader_comment_awaits_moderation_and_appears_once_approved(page, launch_site):
    posts = posts_made_by(page)
    form = open_comment_form(page)
    assert form.locator("input[name=csrfmiddlewaretoken]").count() == 0
    form.get_by_label("Your name").fill("Alex")
    form.get_by_label("Your comment").fill(COMMENT)
    response = submit(page, form.get_by_role("button", name="Send comment"))
    assert response.status == 200 and len(posts) == 1, posts  # one click, one post

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your comment awaits moderation"
    )
    page.get_by_role("link", name="Back to the article").click()
    comments = page.locator("#comments")
    expect(comments.get_by_role("heading", level=2)).to_have_text("Comments (0)")
    expect(comments).not_to_contain_text("split-thigh trial say")

    comment = Comment.objects.get()
    # Browsers send line breaks in form fields as CRLF.
    body = comment.body.replace("\r\n", "\n")
    assert (comment.name, body, comment.status) == ("Alex", COMMENT, CommentStatus.PENDING)
    comment.status = CommentStatus.APPROVED
    comment.save()

    page.reload()
    expect(comments.get_by_role("heading", level=2)).to_have_text("Comments (1)")
    expect(comments.locator(".comment-author")).to_have_text("Alex")
    expect(comments.locator(".comment-body p")).to_have_count(2)


def test_reader_without_javascript_confirms_the_comment_once_and_it_awaits_moderation(
    new_context, launch_site
):
    page = new_context(java_script_enabled=False).new_page()
    form = open_comment_form(page)
    form.get_by_label("Your name").fill("Alex")
    form.get_by_label("Your comment").fill(COMMENT)
    response = submit(page, form.get_by_role("button", name="Send comment"))

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please check and confirm your comment"
    )
    assert Comment.objects.count() == 0
    form = page.locator("main #comment-form")
    expect(form.get_by_label("Your name")).to_have_value("Alex")
    submit(page, form.get_by_role("button", name="Confirm and send comment"))

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your comment awaits moderation"
    )
    comment = Comment.objects.get()
    assert comment.body.replace("\r\n", "\n") == COMMENT
    assert comment.status == CommentStatus.PENDING


def sign_up_in_the_footer(page, address):
    page.goto("/")  # an article ends with its own box instead (test_reading_polish.py)
    form = page.locator(".site-footer form.signup-form")
    form.get_by_label("Your email").fill(address)
    return submit(page, form.get_by_role("button", name="Subscribe"))


def test_reader_signs_up_in_the_footer_in_one_click(page, launch_site, mailoutbox):
    posts = posts_made_by(page)
    response = sign_up_in_the_footer(page, "reader@example.com")
    assert response.status == 200 and len(posts) == 1, posts
    expect(page.get_by_role("heading", level=1)).to_have_text("Almost done: check your inbox")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["reader@example.com"]


def test_reader_without_javascript_confirms_the_footer_sign_up_once(
    new_context, launch_site, mailoutbox
):
    page = new_context(java_script_enabled=False).new_page()
    assert sign_up_in_the_footer(page, "reader@example.com").status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please check and confirm your sign-up"
    )
    assert mailoutbox == [] and Subscriber.objects.count() == 0
    form = page.locator("main form.signup-form")
    expect(form.get_by_label("Your email")).to_have_value("reader@example.com")
    submit(page, form.get_by_role("button", name="Confirm and subscribe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Almost done: check your inbox")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["reader@example.com"]


def test_a_failed_token_fetch_is_tried_again_when_the_reader_sends(page, launch_site):
    attempts = []

    def fail_first(route):
        attempts.append(route.request.url)
        route.abort() if len(attempts) == 1 else route.continue_()

    page.route("**/forms/token/", fail_first)
    form = open_comment_form(page)
    form.get_by_label("Your name").fill("Alex")
    form.get_by_label("Your comment").fill(COMMENT)
    submit(page, form.get_by_role("button", name="Send comment"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your comment awaits moderation"
    )
    assert len(attempts) == 2


def test_reader_confirms_newsletter_signup_through_the_emailed_link(page, launch_site, mailoutbox):
    page.goto(ARTICLE)
    form = page.locator(".newsletter-article form.signup-form")
    form.get_by_label("Your email").fill("Reader@Example.com")
    submit(page, form.get_by_role("button", name="Subscribe"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Almost done: check your inbox")
    assert Subscriber.objects.get().state == SubscriberState.PENDING
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reader@example.com"]
    confirm_url = re.search(r"https?://\S+/newsletter/confirm/\S+/", mail.body).group(0)

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are already subscribed")
