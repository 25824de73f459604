"""Two editors in two browsers edit the same live article: the second save is
refused with both versions side by side, readable at 1280 px, and only the
explicit "Replace my colleague's changes" saves over the first."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article, ReviewEvent

pytestmark = pytest.mark.browser

SLUG = "how-mesotherapy-works"
# Elements wider than the viewport, which force a sideways scroll.
OVERFLOWING = """() => [...document.querySelectorAll('.edit-conflict *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
  .slice(0, 10)"""


def editor_page(new_context, username):
    get_user_model().objects.create_user(
        username, password="pw", is_staff=True, first_name=username.capitalize(), last_name="Ed"
    ).groups.add(Group.objects.get(name="Editor"))
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    pk = Article.objects.get(slug=SLUG).pk
    page.goto(f"/admin/articles/article/{pk}/change/")
    return page


def test_a_refused_save_shows_both_versions_and_replacing_needs_the_tick(
    new_context, launch_site, screenshots_dir
):
    first, second = editor_page(new_context, "ann"), editor_page(new_context, "bob")

    first.locator("#id_order").fill("4")  # the article's own (related-article rows have one too)
    body = first.get_by_label("Body")
    body.fill(body.input_value().replace("## ", "## Ann's heading: ", 1))
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    text = second.get_by_label("Body")
    text.fill(text.input_value() + "\nBob's new closing line.\n")
    second.get_by_role("button", name="Save and continue editing").click()

    conflict = second.locator(".edit-conflict")
    expect(conflict).to_contain_text("Not saved: someone changed this article after you opened it")
    expect(second.locator(".errornote")).to_have_count(0)  # no "Please correct the error"
    expect(conflict.locator(".conflict-table")).to_contain_text("Order")
    expect(conflict.locator(".revision-diff")).to_contain_text("Ann's heading")
    expect(second.get_by_role("button", name="Save and continue editing")).to_have_count(0)
    second.screenshot(path=screenshots_dir / "edit-conflict-1280.png", full_page=True)
    assert second.evaluate("document.documentElement.scrollWidth") <= 1280, second.evaluate(
        OVERFLOWING
    )

    # Replacing without the tick is refused again; with it, saved and recorded.
    second.get_by_role("button", name="Save my version over theirs").click()
    expect(second.locator(".edit-conflict")).to_contain_text("tick")
    assert "Bob's new closing line." not in Article.objects.get(slug=SLUG).latest_revision.body
    second.get_by_label("Replace my colleague's changes").check()
    second.get_by_role("button", name="Save my version over theirs").click()
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    assert "Bob's new closing line." in Article.objects.get(slug=SLUG).latest_revision.body
    event = ReviewEvent.objects.filter(article__slug=SLUG).first()
    assert event.action == "replace_colleague_changes" and event.actor.username == "bob"
