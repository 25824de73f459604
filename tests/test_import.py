"""import_content: idempotent, refuses to overwrite admin edits, all or nothing."""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from articles import workflow
from articles.models import Article, Person, ReviewEvent, Revision, Topic

pytestmark = pytest.mark.django_db

ARTICLE = """\
---
title: {title}
slug: {slug}
summary: A short summary.
topic: how-it-works
author: editorial-team
status: {status}
published: 2026-01-10
updated: 2026-02-01
order: 1
---
## Key takeaways

- {line}[^r1]

## Sources

[^r1]: Someone. *A review.* A journal, 2020. <https://doi.org/10.1000/1>
"""


def write(folder, relative, text):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path):
    return make_content(tmp_path)


def make_content(tmp_path):
    """A small content folder: a topic, a person, a published and a draft article."""
    root = tmp_path / "content"
    write(
        root, "topics.yaml", "- slug: how-it-works\n  title: How it works\n  description: Basics.\n"
    )
    write(
        root,
        "people/editorial-team.md",
        "---\nname: MesoGuide editorial team\nslug: editorial-team\nrole: Editorial team\n---\nWe write the guide.\n",
    )
    write(
        root,
        "articles/one.md",
        ARTICLE.format(title="One", slug="one", status="published", line="First text."),
    )
    write(
        root,
        "articles/two.md",
        ARTICLE.format(title="Two", slug="two", status="draft", line="Second text."),
    )
    return root


def run_import(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_content", *map(str, args), stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Article.objects.values_list("slug", "status", "live_revision", "latest_revision")),
        Revision.objects.count(),
        ReviewEvent.objects.count(),
        list(Topic.objects.values_list("slug", "title")),
        Person.objects.count(),
    )


def test_first_import_creates_everything_and_publishes_published_files(content, client):
    output = run_import(content)
    assert "created   " in output and "4 created, 0 updated, 0 unchanged, 0 refused." in output
    one, two = Article.objects.get(slug="one"), Article.objects.get(slug="two")
    assert (
        one.live_revision is not None and one.first_published_at.date().isoformat() == "2026-01-10"
    )
    assert one.last_published_at.date().isoformat() == "2026-02-01"
    assert two.live_revision is None
    assert client.get("/guide/one/").status_code == 200
    assert client.get("/guide/two/").status_code == 404


def test_second_run_with_nothing_changed_changes_nothing_and_says_so(content):
    run_import(content)
    before = snapshot()
    output = run_import(content)
    assert "0 created, 0 updated, 4 unchanged, 0 refused. Nothing changed." in output
    assert snapshot() == before


def test_changed_file_creates_a_new_revision(content, client):
    run_import(content)
    write(
        content,
        "articles/two.md",
        ARTICLE.format(title="Two", slug="two", status="draft", line="Better text."),
    )
    output = run_import(content)
    assert "updated   " in output and "articles/two.md" in output
    two = Article.objects.get(slug="two")
    assert two.revisions.count() == 2
    assert "Better text." in two.latest_revision.body_html


def test_new_text_for_a_live_article_waits_as_a_draft_unless_publish_is_given(content, client):
    run_import(content)
    write(
        content,
        "articles/one.md",
        ARTICLE.format(title="One", slug="one", status="published", line="New claim."),
    )
    output = run_import(content)
    assert "draft for review" in output
    assert "New claim." not in client.get("/guide/one/").content.decode()
    assert "First text." in client.get("/guide/one/").content.decode()

    write(
        content,
        "articles/one.md",
        ARTICLE.format(title="One", slug="one", status="published", line="Newer claim."),
    )
    run_import(content, "--publish")
    assert "Newer claim." in client.get("/guide/one/").content.decode()


def test_article_edited_in_the_admin_is_refused_unless_forced(content, editor):
    run_import(content)
    two = Article.objects.get(slug="two")
    workflow.save_draft(
        two, user=editor, title="Two", summary="Edited.", body="Edited in the admin."
    )
    write(
        content,
        "articles/two.md",
        ARTICLE.format(title="Two", slug="two", status="draft", line="From file."),
    )

    output = run_import(content)
    assert "refused   " in output and "edited in the admin" in output and "--force" in output
    two.refresh_from_db()
    assert two.latest_revision.body == "Edited in the admin."

    run_import(content, "--force")
    two.refresh_from_db()
    assert "From file." in two.latest_revision.body
    assert two.revisions.count() == 3  # history kept: the admin edit is still there


@pytest.mark.parametrize(
    ("relative", "text", "line", "message"),
    [
        (
            "articles/bad.md",
            "---\ntitle: [unclosed\nslug: bad\n---\nBody\n",
            3,
            "flow sequence on line 2",
        ),
        ("articles/bad.md", "no front matter\n", 1, "missing front matter"),
        ("articles/bad.md", "---\ntitle: x\n", 1, "not closed"),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="draft", line="x").replace(
                "topic: how-it-works", "topic: nope"
            ),
            5,
            "unknown topic 'nope'",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="draft", line="x").replace(
                "author: editorial-team", "author: dr-nobody"
            ),
            6,
            "unknown author 'dr-nobody'",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="one", status="draft", line="x"),
            3,
            "duplicate slug 'one'",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="live", line="x"),
            7,
            "status must be",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="draft", line="x").split("## Key")[0],
            12,
            "body is empty",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="draft", line="x").replace(
                "summary: A short summary.\n", ""
            ),
            1,
            "missing required field 'summary'",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="Bad Slug", status="draft", line="x"),
            3,
            "slug 'Bad Slug'",
        ),
        (
            "articles/bad.md",
            ARTICLE.format(title="B", slug="bad", status="draft", line="x").replace(
                "published: 2026-01-10", "published: soon"
            ),
            8,
            "must be a date",
        ),
    ],
)
def test_one_bad_file_aborts_the_run_naming_file_and_line_and_changes_nothing(
    content, relative, text, line, message
):
    run_import(content)
    write(
        content,
        "articles/two.md",
        ARTICLE.format(title="Two", slug="two", status="published", line="Changed."),
    )
    before = snapshot()
    write(content, relative, text)
    with pytest.raises(CommandError) as error:
        run_import(content)
    assert f".md:{line}: " in str(error.value) and "bad.md" in str(error.value)
    assert message in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert snapshot() == before


def test_a_failing_file_on_a_fresh_database_leaves_it_empty(content):
    write(content, "articles/zzz.md", "---\ntitle: x\nslug: zzz\n---\n\n")
    with pytest.raises(CommandError):
        run_import(content)
    assert (
        Article.objects.count() == 0 and Topic.objects.count() == 0 and Person.objects.count() == 0
    )


def test_a_single_file_can_be_imported_by_path(content):
    run_import(content)
    write(
        content,
        "articles/three.md",
        ARTICLE.format(title="Three", slug="three", status="draft", line="x"),
    )
    output = run_import(content / "articles" / "three.md")
    assert "1 created" in output
    assert Article.objects.filter(slug="three").exists()


def test_import_records_its_revisions_and_events_without_a_user(content):
    run_import(content)
    one = Article.objects.get(slug="one")
    actions = list(one.events.order_by("created_at", "id").values_list("action", "actor"))
    assert actions == [("import", None), ("publish_without_review", None)]
    assert one.live_revision.origin == "import"
    assert one.events.first().note.startswith("Published from a content file without review by ")
    assert one.live_revision.approved_by is None


def test_a_topic_renamed_in_the_files_shows_at_once_on_cached_pages(content, client):
    run_import(content)
    assert "How it works" in client.get("/topics/how-it-works/").content.decode()
    write(
        content,
        "topics.yaml",
        "- slug: how-it-works\n  title: The basics\n  description: Basics.\n",
    )
    run_import(content)
    assert "The basics" in client.get("/topics/how-it-works/").content.decode()


def test_publish_on_a_file_equal_to_the_pending_draft_publishes_that_draft(content, client):
    run_import(content)
    write(
        content,
        "articles/one.md",
        ARTICLE.format(title="One", slug="one", status="published", line="Waiting claim."),
    )
    run_import(content)  # saved as a draft for review
    assert "Waiting claim." not in client.get("/guide/one/").content.decode()

    output = run_import(content, "--publish", "--operator", "ops-alice")
    assert "Nothing changed" not in output and "published over the live text" in output
    assert "Waiting claim." in client.get("/guide/one/").content.decode()
    event = Article.objects.get(slug="one").events.first()
    assert event.action == "publish_without_review"
    assert event.note == "Published from a content file without review by ops-alice."


def test_imported_text_claims_no_review(content, client):
    run_import(content)
    html = client.get("/guide/one/").content.decode()
    assert "Not yet reviewed by a second editor" in html
    assert "Reviewed by" not in html and "reviewedBy" not in html
    article = Article.objects.get(slug="one")
    assert article.last_reviewed_at is None
    assert article.review_due_at is not None  # due for its first review at once
