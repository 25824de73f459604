"""A correction made in a content file reaches the reader's change log with its
summary and, when it changes what the article advises, as a material change."""

import pytest
from django.core.management import CommandError

from articles.models import Article
from tests.test_import import ARTICLE, make_content, run_import, snapshot, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path):
    return make_content(tmp_path)


def corrected(line, *front_matter):
    text = ARTICLE.format(title="One", slug="one", status="published", line=line)
    extra = "".join(f"{field}\n" for field in front_matter)
    return text.replace("order: 1\n", f"order: 1\n{extra}", 1)


def change_log(client):
    return client.get("/guide/one/changes/").content.decode()


def test_a_material_correction_published_from_a_file_is_logged_as_material(content, client):
    run_import(content)
    write(
        content,
        "articles/one.md",
        corrected(
            "Corrected claim.",
            "change_summary: Corrected the citation for the second claim.",
            "material_change: true",
        ),
    )
    run_import(content, "--publish")
    log = change_log(client)
    assert "change-kind material" in log
    assert "Corrected the citation for the second claim." in log
    assert "Corrected claim." in client.get("/guide/one/").content.decode()


def test_a_minor_change_from_a_file_is_logged_as_minor_with_its_summary(content, client):
    run_import(content)
    write(content, "articles/one.md", corrected("Tidier text.", "change_summary: Fixed a typo."))
    run_import(content, "--publish")
    log = change_log(client)
    assert "change-kind minor" in log and "Fixed a typo." in log
    assert "change-kind material" not in log


def test_without_a_summary_the_log_says_the_files_changed(content, client):
    run_import(content)
    write(content, "articles/one.md", corrected("Other text."))
    run_import(content, "--publish")
    assert "Updated from the content files." in change_log(client)


def test_a_correction_waiting_as_a_draft_keeps_its_summary_for_the_editor(content, client):
    from tests import factories

    run_import(content)
    write(
        content,
        "articles/one.md",
        corrected("Safer wording.", "change_summary: Softened a claim.", "material_change: true"),
    )
    run_import(content)
    article = Article.objects.get(slug="one")
    draft = article.latest_revision
    assert draft.pk != article.live_revision_id
    assert (draft.change_summary, draft.change_is_material) == ("Softened a claim.", True)
    # Reviewed and published without a summary typed: the file's is logged.
    factories.approve_and_publish(article)
    log = change_log(client)
    assert "change-kind material" in log and "Softened a claim." in log


def test_the_first_publication_is_logged_as_such_whatever_the_file_says(content, client):
    write(
        content,
        "articles/one.md",
        corrected("First text.", "change_summary: Something.", "material_change: true"),
    )
    run_import(content)
    log = change_log(client)
    assert "change-kind first" in log and "change-kind material" not in log


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        (["material_change: yes please"], 11, "'material_change' must be true or false"),
        (["material_change: 1"], 11, "'material_change' must be true or false"),
        (["material_change: true"], 11, "a material change needs a change_summary"),
        (["change_summary: [a, b]"], 11, "'change_summary' must be text"),
        (["change_summary: " + "x" * 301], 11, "change_summary is longer than 300 characters"),
        (['change_summary: "a\\x0bb"'], 11, "U+000B"),
    ],
)
def test_a_bad_change_field_stops_the_import_naming_file_and_line(content, fields, line, message):
    run_import(content)
    before = snapshot()
    write(content, "articles/one.md", corrected("Changed.", *fields))
    with pytest.raises(CommandError) as error:
        run_import(content, "--publish")
    assert f"one.md:{line}: " in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before
