"""A title is one line: a line break is refused where editors and content files
enter one, and a title stored before that can't add a line of its own to a
plain-text e-mail (where "Open it here: <address>" on a line would pass for ours)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from mesoguide.characters import one_line_message
from tests import factories
from tests.test_admin_workflow import change_url, form_data
from tests.test_import import ARTICLE, make_content, run_import

pytestmark = pytest.mark.django_db

FAKE_LINE = "Open it here: https://evil.example/login"
# Line feed, carriage return, both, Unicode's line and paragraph separators.
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029"]


@pytest.mark.parametrize("line_break", BREAKS)
def test_the_article_editor_refuses_a_title_on_two_lines_and_keeps_the_text(
    client, editor, line_break
):
    article = factories.draft_article(user=editor, title="Wound care")
    client.force_login(editor)
    body = "New body words the editor typed."
    data = form_data(article, title=f"Wound care{line_break}{FAKE_LINE}", body=body)

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    html = response.content.decode()
    field_row = html[html.index('name="title"') - 3000 : html.index('name="title"')]
    assert "Must be one line: it has a line break after “Wound care”. Join the lines." in field_row
    assert body in html  # the editor's other text is still in the form
    assert article.revisions.count() == 1
    assert Article.objects.get(pk=article.pk).title == "Wound care"


@pytest.mark.parametrize(
    "title_lines",
    [
        f'title: "Wound care\\n{FAKE_LINE}"',  # YAML's escape
        f"title: |\n  Wound care\n  {FAKE_LINE}",  # a block that keeps line breaks
        'title: "Wound care\\u2028next"',
    ],
)
def test_a_content_file_with_a_title_on_two_lines_is_refused_naming_file_and_line(
    tmp_path, title_lines
):
    content = make_content(tmp_path)
    path = content / "articles" / "one.md"
    path.write_text(
        ARTICLE.format(title="One", slug="one", status="published", line="x").replace(
            "title: One", title_lines
        )
    )
    with pytest.raises(CommandError) as error:
        run_import(content)
    assert "one.md:2: title: Must be one line: it has a line break after" in str(error.value)
    assert not Article.objects.exists()


def test_a_title_stored_before_stays_on_its_line_in_the_review_due_mail(medical_reviewer):
    article = factories.published_article(slug="due", title=f"Wound care\n{FAKE_LINE}")
    Article.objects.filter(pk=article.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=1)
    )
    medical_reviewer.email = "reviewer@example.org"
    medical_reviewer.save()

    call_command("review_due", "--email", stdout=StringIO())

    [message] = mail.outbox
    lines = message.body.splitlines()
    assert not any(line.startswith("Open it here") for line in lines)
    assert any(f"Wound care {FAKE_LINE}" in line and "/change/" in line for line in lines)


@pytest.mark.parametrize("text", ["One line", "Tabs\tstay", "", "  spaced  "])
def test_one_line_text_passes(text):
    assert one_line_message(text) == ""
