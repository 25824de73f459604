"""The whole team story, each person in their own browser: a writer edits a live
article (autosave keeps the text across a reload, leaving asks first), submits;
the medical reviewer, told by mail, reviews the text in place and approves; the
editor, told by mail, compares the draft with the live text (rendered and
source) and publishes; the writer, told by mail, edits again; the reviewer sees
only what changed since the approval marked, quotes a passage and asks for
changes; the writer gets the quote by mail and in the admin. On the way every
dashboard count is checked against its list and the database, and every admin
screen used passes axe at 375 and 1280 px without scrolling sideways."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from articles import autosave
from articles.models import Article, RevisionState
from tests.e2e.test_accessibility import AXE_OPTIONS, describe
from tests.e2e.test_editors_workspace import csp_errors, log_in

SLUG = "allergy-and-suitability-testing"
AFTERCARE = "Ask the provider how they will follow up after each session."
SECOND = "Bring the full written list of ingredients to your appointment."
NOTE = "Say which list: the one the clinic gives you, or the one on the vial?"
WIDTHS = (1280, 375)


@pytest.fixture
def quick_autosave(monkeypatch):
    # The page sends what was typed after this many seconds (15 in use).
    monkeypatch.setattr(autosave, "INTERVAL_SECONDS", 1)


# The outermost elements that stick out past the right edge (to name them in a failure).
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.parentElement.closest('.table-scroll'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


class Screens:
    """Looks at each admin screen as its user would: screenshots at both widths,
    axe (WCAG A/AA) and no sideways scrolling."""

    def __init__(self, screenshots_dir, subtests):
        self.dir, self.subtests, self.axe = screenshots_dir, subtests, Axe()
        self.seen = []

    def check(self, page, name):
        original = page.viewport_size
        for width in WIDTHS:
            with self.subtests.test(msg=f"{name} at {width}px"):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=self.dir / f"story-{name}-{width}.png", full_page=True)
                self.seen.append(f"{name}-{width}")
                violations = self.axe.run(page, options=AXE_OPTIONS).response["violations"]
                assert not violations, "\n".join(map(describe, violations))
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, "
                    "document.documentElement.clientWidth]"
                )
                wide = page.evaluate(WIDER_THAN_THE_PAGE)
                assert widths[0] <= widths[1], f"{name} scrolls sideways at {width}px: {wide}"
        page.set_viewport_size(original)


def mail_to(user, words):
    """The one mail to `user` whose subject or body holds `words`; its link's path."""
    found = [m for m in mail.outbox if user.email in m.to and words in m.subject + m.body]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    link = re.search(r"Open it here:\n(\S+)", found[0].body).group(1)
    return found[0], urlsplit(link).path


def queue_counts(page):
    """{label: (count, url)} of the "My work" queues on the admin index."""
    page.goto("/admin/")
    counts = {}
    for link in page.locator(".work-queue h3 a").all():
        label, count = re.fullmatch(r"(.+): (\d+)", link.inner_text().strip()).groups()
        counts[label] = (int(count), link.get_attribute("href"))
    return counts


def check_counts_against_lists(page, counts):
    """Each dashboard count equals the number of articles in the list it links to."""
    for label, (count, url) in counts.items():
        page.goto(url)
        listed = re.search(r"(\d+) [a-z]+", page.locator(".paginator").inner_text())
        assert int(listed.group(1)) == count, f"{label}: dashboard {count}, list {listed.group(0)}"


def act(page, action, **fields):
    form = page.locator(f"form.workflow-{action}")
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button").click()
    expect(page.locator(".messagelist li").first).to_be_visible()


def with_paragraph(body, sentence):
    """The Markdown with `sentence` as a paragraph before its second heading."""
    second = body.index("\n## ", body.index("## ") + 3)
    return f"{body[:second]}\n\n{sentence}\n{body[second:]}"


def test_the_team_story(
    new_context, launch_site, quick_autosave, screenshots_dir, subtests, django_user_model
):
    mail.outbox.clear()
    screens = Screens(screenshots_dir, subtests)
    writer, wpage = log_in(new_context, "wren", "Writer")
    reviewer, rpage = log_in(new_context, "rhea", "Medical reviewer")
    editor, epage = log_in(new_context, "eli", "Editor")
    from articles.models import Person

    Person.objects.create(
        slug="rhea-tester", name="Rhea Tester", credentials="MD, dermatologist", user=reviewer
    )
    blocked = csp_errors(wpage) + csp_errors(rpage)
    article = Article.objects.get(slug=SLUG)
    change = f"/admin/articles/article/{article.pk}/change/"

    # --- The writer types; the text is kept, leaving asks, a reload offers it back.
    wpage.goto(change)
    body = wpage.get_by_label("Body")
    original = body.input_value()
    body.click()
    body.fill(with_paragraph(original, AFTERCARE))
    body.press("End")  # a key, as a person would: browsers ask before leaving only then
    expect(wpage.locator("#admin-autosave-status")).to_contain_text("Unsaved changes kept at")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    wpage.once("dialog", stay)
    wpage.get_by_role("link", name="Home").first.click()
    wpage.wait_for_timeout(500)
    assert asked == ["beforeunload"], asked
    assert urlsplit(wpage.url).path == change
    wpage.once("dialog", lambda dialog: dialog.accept())
    wpage.reload()
    offer = wpage.locator(".autosave-offer")
    expect(offer).to_contain_text(re.compile(r"Restore unsaved text from \d\d:\d\d UTC\?"))
    expect(wpage.get_by_label("Body")).not_to_have_value(re.compile(re.escape(AFTERCARE)))
    screens.check(wpage, "writer-autosave-offer")
    offer.get_by_role("link", name="Restore my unsaved text").click()
    expect(wpage.get_by_label("Body")).to_have_value(re.compile(re.escape(AFTERCARE)))
    screens.check(wpage, "writer-restored")
    wpage.get_by_role("button", name="Save and continue editing").click()
    expect(wpage.locator(".messagelist")).to_contain_text("Saved as draft revision 2")
    expect(wpage.locator(".autosave-offer")).to_have_count(0)
    act(wpage, "submit")

    # --- The medical reviewer is told by mail and finds it waiting on the dashboard.
    _, link = mail_to(reviewer, "for review")
    # Not yet medically reviewed: it waits under "Needs medical review", with the
    # revision and where it stands, until attested (then for approval).
    counts = queue_counts(rpage)
    in_review = Article.objects.filter(latest_revision__state=RevisionState.IN_REVIEW).count()
    assert in_review == 1 and counts["Waiting for my review"][0] == 0
    waiting = rpage.locator(".work-queue", has_text="Needs medical review")
    expect(waiting).to_contain_text(
        f"{article.latest_revision.title}: revision 2, in review, not medically reviewed"
    )
    screens.check(rpage, "reviewer-dashboard")
    check_counts_against_lists(rpage, counts)
    rpage.goto(link)
    rpage.get_by_role("link", name="Review revision 2 in place").click()
    expect(rpage.locator(".review-facts")).to_contain_text("all of this text is new to review")
    expect(rpage.locator("#admin-review-text")).to_contain_text(AFTERCARE)
    screens.check(rpage, "review-first")
    rpage.get_by_role("button", name="Attest medical review").click()
    expect(rpage.locator(".messagelist")).to_contain_text("medical review of revision 2")
    rpage.get_by_role("button", name="Approve").click()
    expect(rpage.locator(".messagelist")).to_contain_text("Revision 2 is approved")

    # --- The editor is told, compares with the live text and publishes.
    _, link = mail_to(editor, "ready to publish")
    counts = queue_counts(epage)
    approved = Article.objects.filter(latest_revision__state=RevisionState.APPROVED).count()
    assert counts["Approved, ready to publish"][0] == approved == 1
    screens.check(epage, "editor-dashboard")
    check_counts_against_lists(epage, counts)
    epage.goto(link)
    epage.get_by_role("link", name="Compare the latest draft with the live text").click()
    expect(epage.get_by_role("heading", level=1)).to_have_text(
        "Revision 1 (live) compared with revision 2 (latest)"
    )
    inserted = epage.locator(".diff-rendered ins")
    expect(inserted.first).to_be_visible()
    expect(epage.locator(".diff-rendered")).to_contain_text(f"inserted: {AFTERCARE.split()[0]}")
    assert "underline" in inserted.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    screens.check(epage, "diff-rendered")
    epage.get_by_role("link", name="Markdown source").click()
    expect(epage.locator(".diff-source ins").first).to_contain_text("Ask the provider")
    screens.check(epage, "diff-source")
    epage.goto(link)
    act(epage, "publish", **{"What changed (shown to readers)": "Added a line on follow-up."})
    expect(epage.locator(".messagelist")).to_contain_text("readers see it now")

    # --- The writer is told it is live, edits again and submits.
    mail_to(writer, "published")
    wpage.goto(change)
    wpage.get_by_label("Body").fill(
        with_paragraph(wpage.get_by_label("Body").input_value(), SECOND)
    )
    wpage.get_by_role("button", name="Save and continue editing").click()
    expect(wpage.locator(".messagelist")).to_contain_text("Saved as draft revision 3")
    act(wpage, "submit")

    # --- The reviewer sees only what changed since the approval, quotes it, asks for changes.
    rpage.goto(f"/admin/articles/article/{article.pk}/review/")
    expect(rpage.locator(".review-facts")).to_contain_text(
        "what changed since revision 2, the last approved"
    )
    new_words = rpage.locator("#admin-review-text ins", has_text=SECOND.split()[0])
    expect(new_words.first).to_be_visible()
    expect(rpage.locator("#admin-review-text del")).to_have_count(0)
    new_words.first.click(click_count=3)  # selects the paragraph
    quote = rpage.get_by_label("Quoted passage (optional)")
    expect(quote).to_have_value(re.compile(re.escape(SECOND)))
    assert "inserted" not in quote.input_value()
    rpage.get_by_label("Note for the writer").fill(NOTE)
    screens.check(rpage, "review-marked-with-quote")
    rpage.get_by_role("button", name="Request changes").click()
    expect(rpage.locator(".messagelist")).to_contain_text("Changes requested on revision 3")

    # --- The writer gets the quote by mail and in the admin, and the dashboard agrees.
    message, link = mail_to(writer, "asked for changes")
    assert f"About this passage:\n> {SECOND}" in message.body and NOTE in message.body
    wpage.goto("/admin/for-you/")
    expect(wpage.locator(".notification-quote").first).to_contain_text(SECOND)
    screens.check(wpage, "writer-for-you")
    counts = queue_counts(wpage)
    returned = Article.objects.filter(
        latest_revision__state=RevisionState.CHANGES_REQUESTED, latest_revision__created_by=writer
    ).count()
    assert counts["Returned to me with a note"][0] == returned == 1
    expect(wpage.locator(".return-note").first).to_contain_text(NOTE)
    screens.check(wpage, "writer-dashboard")
    check_counts_against_lists(wpage, counts)
    wpage.goto(f"/admin/articles/article/{article.pk}/history/")
    quoted = wpage.locator(".event-table .quoted-passage").first
    expect(quoted).to_contain_text(SECOND)
    screens.check(wpage, "history-with-quote")
    wpage.goto(link)
    expect(wpage.locator(".workflow-panel .quoted-passage").first).to_contain_text(SECOND)
    screens.check(wpage, "writer-returned-article")

    assert not blocked, blocked
    assert len(screens.seen) == 2 * 12
