"""Oversized and malformed submissions from a real browser get a clear error,
linked to the field at fault, and nothing is stored or mailed."""

import pytest
from playwright.sync_api import expect

from discussion.models import Comment, CommentStatus
from newsletter.models import Subscriber
from tests.e2e.public_pages import ARTICLE, open_comment_form, submit

# What a browser that ignores maxlength (or a script) can send.
SET_VALUE = "(el, value) => { el.removeAttribute('maxlength'); el.value = value; }"


@pytest.fixture
def comment_form(page, launch_site):
    return open_comment_form(page)


def send_comment(page, form, **fields):
    for label, value in fields.items():
        form.get_by_label(label).evaluate(SET_VALUE, value)
    return submit(page, form.get_by_role("button", name="Send comment"))


def assert_error_linked_to_field(page, message, field_id):
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", f"#{field_id}")
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    assert f"{field_id}_error" in described_by, "the field's error should be read with it"


def test_comment_field_limits_are_announced_to_the_browser(comment_form):
    expect(comment_form.get_by_label("Your comment")).to_have_attribute("maxlength", "3000")
    expect(comment_form.get_by_label("Your name")).to_have_attribute("maxlength", "80")


def test_too_long_comment_is_refused_and_kept_for_shortening(page, comment_form):
    text = "Evidence matters. " * 200  # 3,600 characters
    response = send_comment(page, comment_form, **{"Your name": "Alex", "Your comment": text})

    assert response.status == 400
    assert_error_linked_to_field(
        page,
        f"Your comment can be at most 3,000 characters (it has {len(text.strip())}).",
        "comment-body",
    )
    assert page.locator("#comment-body").input_value().strip() == text.strip()
    assert Comment.objects.count() == 0


def test_too_long_name_and_invalid_email_are_each_explained(page, comment_form):
    response = send_comment(
        page,
        comment_form,
        **{"Your name": "N" * 81, "Your email (optional)": "alex@", "Your comment": "Hello"},
    )
    assert response.status == 400
    assert_error_linked_to_field(page, "Your name can be at most 80 characters.", "comment-name")
    assert_error_linked_to_field(
        page, "Enter an email address like name@example.com, or leave it empty.", "comment-email"
    )
    assert Comment.objects.count() == 0


def test_blank_comment_made_of_spaces_is_refused(page, comment_form):
    blank = " \u00a0\u3000\t"  # space, no-break space, ideographic space, tab
    response = send_comment(page, comment_form, **{"Your name": blank, "Your comment": blank})
    assert response.status == 400
    assert_error_linked_to_field(page, "Enter your name.", "comment-name")
    assert_error_linked_to_field(page, "Write your comment.", "comment-body")
    assert Comment.objects.count() == 0


def test_comment_far_beyond_any_limit_gets_a_clear_page_and_is_not_stored(page, comment_form):
    response = send_comment(
        page, comment_form, **{"Your name": "Alex", "Your comment": "x" * 3_000_000}
    )
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not read that request")
    assert Comment.objects.count() == 0


def test_a_null_character_in_a_comment_is_dropped(page, comment_form):
    # Readers can't see it to delete it (mesoguide/characters.py).
    send_comment(page, comment_form, **{"Your name": "Al\x00ex", "Your comment": "a\x00b"})
    expect(page.get_by_role("heading", level=1)).to_contain_text("awaits moderation")
    comment = Comment.objects.get()
    assert (comment.name, comment.body) == ("Alex", "ab")


UNICODE_COMMENT = (
    "Family 👩\u200d👩\u200d👧 and flag 🇬🇧; Arabic مرحبا and Hebrew שלום read right to left;\n"
    "e\u0301 (combining accent), 𝒳 (astral), 中文, \u200bzero-width, \u202eoverride\u202c, "
    "\ufeffBOM, tab\there."
)


def test_unicode_edge_cases_are_kept_exactly_and_shown_as_text(page, comment_form):
    send_comment(page, comment_form, **{"Your name": "Zoë 🌿", "Your comment": UNICODE_COMMENT})
    expect(page.get_by_role("heading", level=1)).to_contain_text("awaits moderation")

    comment = Comment.objects.get()
    assert comment.name == "Zoë 🌿"
    assert comment.body.replace("\r\n", "\n") == UNICODE_COMMENT
    # Approved as a moderator's save does, so the cached article page is refreshed.
    comment.status = CommentStatus.APPROVED
    comment.save()

    page.goto(ARTICLE)
    shown = page.locator(f"#comment-{comment.pk}")
    expect(shown.locator(".comment-author")).to_have_text("Zoë 🌿")
    text = shown.locator(".comment-body").inner_text()
    for piece in ("👩\u200d👩\u200d👧", "🇬🇧", "مرحبا", "e\u0301", "𝒳", "\u202eoverride\u202c"):
        assert piece in text


def test_form_with_a_wrong_csrf_token_is_refused_with_an_explanation(page, launch_site):
    page.goto(f"{ARTICLE}comments/")
    form = page.locator("#comment-form")
    form.locator("input[name=csrfmiddlewaretoken]").evaluate("el => { el.value = 'x'.repeat(64); }")
    response = send_comment(page, form, **{"Your name": "Alex", "Your comment": "Hello"})
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    expect(page.locator("main")).to_contain_text("Nothing was saved")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "address, message",
    [
        ("name@", "Enter an email address like name@example.com."),
        ("ünïcödé@example.com", "Enter an email address like name@example.com."),
        ("a" * 250 + "@example.com", "Ensure this value has at most 254 characters (it has 262)."),
        ("", "Enter your email address."),
    ],
    ids=["incomplete", "non-ascii-local-part", "too-long", "empty"],
)
def test_bad_newsletter_address_is_explained_and_nothing_is_sent(
    page, launch_site, mailoutbox, address, message
):
    page.goto("/newsletter/")
    form = page.locator("main form.signup-form")
    form.get_by_label("Your email").evaluate(SET_VALUE, address)
    response = submit(page, form.get_by_role("button", name="Subscribe"))
    assert response.status == 400
    assert_error_linked_to_field(page, message, "newsletter-page-email")
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_newsletter_signup_without_csrf_token_is_kept_for_confirmation(
    page, launch_site, mailoutbox
):
    page.goto("/newsletter/")
    form = page.locator("main form.signup-form")
    form.locator("input[name=csrfmiddlewaretoken]").evaluate("el => el.remove()")
    form.get_by_label("Your email").fill("reader@example.com")
    response = submit(page, form.get_by_role("button", name="Subscribe"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please check and confirm your sign-up"
    )
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []
