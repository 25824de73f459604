"""The editors' workspace in the browser: the word count follows typing, the
address follows the title, and the admin screens editors use every day (My
work, For you, e-mail choices, the article list, an article with its disabled
actions and their reasons, its history, the audit log) pass axe at 375 and
1280 px, with the article list fitting a 1280 px screen."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article
from articles.readability import word_count
from tests.e2e.test_accessibility import AXE_OPTIONS, describe

WIDTHS = (375, 1280)


def log_in(new_context, username, role, width=1280):
    user = get_user_model().objects.create_user(
        username,
        password="pw",
        is_staff=True,
        first_name=username.capitalize(),
        last_name="Tester",
        email=f"{username}@example.org",
    )
    user.groups.add(Group.objects.get(name=role))
    context = new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editorial desk")
    return user, page


def csp_errors(page):
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def test_word_count_follows_typing_and_the_address_follows_the_title(
    new_context, launch_site, screenshots_dir
):
    _, page = log_in(new_context, "wren", "Writer")
    blocked = csp_errors(page)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title").press_sequentially("Swelling after fillers")  # keys, as typed
    expect(page.get_by_label("Slug")).to_have_value("swelling-after-fillers")
    stats = page.locator(".text-stats")
    expect(stats).to_contain_text("About 0 words")
    text = (
        "## What to expect\n\nSome swelling is common for a day or two[^r]. "
        + "It settles on its own in most people. " * 60
        + "\n\n## Sources\n\n[^r]: A. Author. *A review.* 2020.\n"
    )
    page.get_by_label("Body").fill(text)
    expected = word_count(text)
    expect(stats.locator(".word-count")).to_have_text(str(expected))
    expect(stats.locator(".reading-minutes")).to_have_text(str(max(1, round(expected / 200))))
    page.screenshot(path=screenshots_dir / "workspace-word-count.png", full_page=False)
    assert not blocked, blocked


def build_desk(writer, reviewer, editor):
    """An article waiting, one returned, one approved: the dashboards have something to show."""
    articles = list(Article.objects.filter(kind="article").order_by("pk")[:3])
    waiting, returned, approved = articles
    for article in articles:
        live = article.latest_revision
        workflow.save_draft(
            article, user=writer, title=live.title, summary=live.summary, body=live.body + "\nMore."
        )
        workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(returned, workflow.REQUEST_CHANGES, user=reviewer, note="Cite a trial.")
    workflow.transition(approved, workflow.APPROVE, user=reviewer)
    return waiting


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_screens_have_no_axe_violations(
    new_context, launch_site, screenshots_dir, subtests, width
):
    mail.outbox.clear()
    writer, writer_page = log_in(new_context, "wren", "Writer", width)
    reviewer, _ = log_in(new_context, "rhea", "Medical reviewer", width)
    editor, page = log_in(new_context, "eli", "Editor", width)
    own = Article.objects.filter(kind="article").order_by("pk")[3]
    text = own.latest_revision
    workflow.save_draft(
        own, user=editor, title=text.title, summary=text.summary, body=text.body + "\nMore."
    )
    workflow.transition(own, workflow.SUBMIT, user=editor)  # Approve: disabled, with the reason
    waiting = build_desk(writer, reviewer, editor)
    screens = {
        "index": "/admin/",
        "for-you": "/admin/for-you/",
        "email-choices": "/admin/for-you/settings/",
        "article-list": "/admin/articles/article/",
        "article-list-my-work": "/admin/articles/article/?work=ready",
        "article-own": f"/admin/articles/article/{own.pk}/change/",
        "article-waiting": f"/admin/articles/article/{waiting.pk}/change/",
        "history": f"/admin/articles/article/{waiting.pk}/history/",
        "audit-log": "/admin/articles/reviewevent/",
        "guide": "/admin/editors-guide/",
    }
    axe = Axe()
    for name, url in screens.items():
        with subtests.test(msg=f"{name} at {width}px"):
            page.goto(url)
            page.screenshot(path=screenshots_dir / f"workspace-{name}-{width}.png", full_page=True)
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            assert not violations, "\n".join(map(describe, violations))
    writer_page.goto("/admin/")
    writer_page.screenshot(
        path=screenshots_dir / f"workspace-writer-index-{width}.png", full_page=True
    )
    violations = axe.run(writer_page, options=AXE_OPTIONS).response["violations"]
    assert not violations, "\n".join(map(describe, violations))
    page.goto(f"/admin/articles/article/{own.pk}/change/")
    expect(page.locator(".closed-actions")).to_contain_text("another reviewer must approve it")


def test_the_article_list_fits_1280_px(new_context, launch_site, screenshots_dir):
    _, page = log_in(new_context, "eli", "Editor", 1280)
    page.goto("/admin/articles/article/")
    page.screenshot(path=screenshots_dir / "workspace-article-list-fit-1280.png")
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= 1280
    # Every column shows: the results box does not scroll sideways either.
    inner = page.evaluate(
        "() => { const r = document.querySelector('.results'); return [r.scrollWidth, r.clientWidth]; }"
    )
    assert inner[0] <= inner[1], f"the list is cut off: {inner}"
    expect(page.locator("#result_list thead")).to_contain_text("Review due")
    assert re.search(r"\d+ articles?", page.locator(".paginator").inner_text())


def test_the_email_choices_line_up_on_a_phone(new_context, launch_site, screenshots_dir):
    # Django's narrow-screen rule lets every form input grow: a checkbox took the
    # room left beside its label and sat in the middle of the row, each at another place.
    _, page = log_in(new_context, "rhea", "Medical reviewer", 375)
    page.goto("/admin/for-you/settings/")
    page.screenshot(path=screenshots_dir / "workspace-email-choices-lined-up-375.png")
    boxes = page.locator(".notification-settings input[type=checkbox]")
    expect(boxes).to_have_count(6)
    lefts = {round(box.bounding_box()["x"]) for box in boxes.all()}
    widths = {round(box.bounding_box()["width"]) for box in boxes.all()}
    assert len(lefts) == 1 and widths == {24}, (lefts, widths)
    label = page.get_by_label("Text is going to readers without a medical review")
    expect(label).to_be_checked()
