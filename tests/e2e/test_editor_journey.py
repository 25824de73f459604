"""The editorial workflow through the admin, each person in their own browser:
a writer writes and submits, a reviewer requests changes, the writer revises,
the reviewer approves, an editor publishes and a reader sees it; the writer
edits again, and the reader keeps the old text until the new one is approved
and published."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article

SLUG = "does-massage-help-cellulite"
ARTICLE_URL = f"/guide/{SLUG}/"
FIRST_TEXT = "Massage moves fluid under the skin for a few hours."
REVISED_TEXT = "Massage can make skin look smoother for a few hours, not for good."
SECOND_EDIT = "Reviews find no lasting change in cellulite from massage alone."


def body(sentence):
    return (
        f"## What it does\n\n{sentence}[^r]\n\n## Sources\n\n[^r]: A. Author. *A review.* 2020.\n"
    )


class Person:
    """One member of staff, logged into the admin in a browser context of their own."""

    def __init__(self, new_context, username, role):
        # Named: readers are told who reviewed an article.
        user = get_user_model().objects.create_user(
            username,
            password="pw",
            is_staff=True,
            first_name=username.capitalize(),
            last_name="Tester",
        )
        user.groups.add(Group.objects.get(name=role))
        self.page = new_context().new_page()
        self.page.goto("/admin/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill("pw")
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Editorial desk")

    def open_article(self):
        pk = Article.objects.get(slug=SLUG).pk
        self.page.goto(f"/admin/articles/article/{pk}/change/")
        return self.page

    def workflow(self, action, **fields):
        """Press a workflow button after filling its form; return the confirmation shown."""
        page = self.open_article()
        form = page.locator(f"form.workflow-{action}")
        for label, value in fields.items():
            form.get_by_label(label).fill(value)
        form.get_by_role("button").click()
        message = page.locator(".messagelist li").first
        expect(message).to_be_visible()
        return message

    def save_text(self, sentence):
        page = self.open_article()
        page.get_by_label("Body").fill(body(sentence))
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


@pytest.fixture
def staff(new_context, launch_site):
    return {
        "writer": Person(new_context, "wren", "Writer"),
        "reviewer": Person(new_context, "rhea", "Medical reviewer"),
        "editor": Person(new_context, "eli", "Editor"),
    }


def reader_sees(page, text):
    response = page.goto(ARTICLE_URL)
    assert response.status == 200, f"the reader got {response.status}"
    expect(page.locator(".prose")).to_contain_text(text)


def test_article_goes_from_writer_to_reader_only_through_review_and_publication(staff, page):
    writer, reviewer, editor, reader = staff["writer"], staff["reviewer"], staff["editor"], page

    # The writer writes a new article and submits it.
    add = writer.page
    add.goto("/admin/articles/article/add/")
    add.get_by_label("Title").fill("Does massage help cellulite?")
    add.get_by_label("Summary").fill("What massage can and cannot do for cellulite.")
    add.get_by_label("Body").fill(body(FIRST_TEXT))
    add.get_by_label("Slug").fill(SLUG)
    add.get_by_label("Topic").select_option(label="How it works")
    add.get_by_label("Author").select_option(label="MesoGuide editorial team")
    add.get_by_role("button", name="Save and continue editing").click()
    expect(add.locator(".messagelist")).to_contain_text("was added successfully")
    expect(writer.workflow("submit")).to_contain_text("submitted for review")
    assert reader.goto(ARTICLE_URL).status == 404

    # The reviewer sends it back with a note; the writer sees the note and revises.
    note = "Say how long the effect lasts."
    expect(
        reviewer.workflow("request_changes", **{"What must change (required)": note})
    ).to_contain_text("Changes requested")
    expect(writer.open_article().locator(".workflow-panel")).to_contain_text(note)
    writer.save_text(REVISED_TEXT)
    expect(writer.workflow("submit")).to_contain_text("submitted for review")
    assert reader.goto(ARTICLE_URL).status == 404

    # The reviewer approves; still nothing for readers until an editor publishes.
    expect(reviewer.workflow("approve")).to_contain_text("approved")
    assert reader.goto(ARTICLE_URL).status == 404
    expect(
        editor.workflow("publish", **{"What changed (shown to readers)": "First published."})
    ).to_contain_text("readers see it now")
    reader_sees(reader, REVISED_TEXT)

    # The writer edits the live article: readers keep the published text ...
    writer.save_text(SECOND_EDIT)
    expect(writer.page.locator(".messagelist")).to_contain_text("Readers still see revision")
    reader_sees(reader, REVISED_TEXT)
    expect(writer.workflow("submit")).to_contain_text("submitted for review")
    expect(reviewer.workflow("approve")).to_contain_text("approved")
    reader_sees(reader, REVISED_TEXT)
    expect(reader.locator(".prose")).not_to_contain_text(SECOND_EDIT)

    # ... until the editor publishes the approved revision.
    editor.workflow("publish", **{"What changed (shown to readers)": "Clearer on evidence."})
    reader_sees(reader, SECOND_EDIT)
    expect(reader.locator(".prose")).not_to_contain_text(REVISED_TEXT)
