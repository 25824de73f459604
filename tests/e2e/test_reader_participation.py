"""A reader comments on an article and signs up for the newsletter, in a real browser."""

import re

from playwright.sync_api import expect

from discussion.models import Comment, CommentStatus
from newsletter.models import Subscriber, SubscriberState
from tests.e2e.public_pages import ARTICLE, open_comment_form, submit

COMMENT = (
    "Thank you for the clear sources.\n\nDoes the split-thigh trial say how long results lasted?"
)


def test_reader_comment_awaits_moderation_and_appears_once_approved(page, launch_site):
    form = open_comment_form(page)
    form.get_by_label("Your name").fill("Alex")
    form.get_by_label("Your comment").fill(COMMENT)
    submit(page, form.get_by_role("button", name="Send comment"))

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


def test_reader_confirms_newsletter_signup_through_the_emailed_link(page, launch_site, mailoutbox):
    page.goto(ARTICLE)
    with page.expect_navigation():
        page.locator(".newsletter-article").get_by_role("link", name="Get the newsletter").click()
    form = page.locator("main form.signup-form")
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
