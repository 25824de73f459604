"""The renderer has bounds: size, nesting and time. Text past them is refused with
a reason (file:line in content files, on the field in the admin); nothing hangs
a worker and nothing answers 500."""

import time

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import rendering
from articles.rendering import MAX_MARKDOWN_CHARS, MAX_NESTING, MarkdownRefused, render_markdown
from tests import factories
from tests.test_admin_workflow import change_url, form_data
from tests.test_import import ARTICLE, content, run_import, snapshot, write  # noqa: F401 (content: a fixture)

DEEP_LIST = "* " * 500 + "a"  # 1 KB; raised RecursionError before the limit
DEEP_QUOTE = "> " * 500 + "a"
QUADRATIC_FOOTNOTES = "[^" * 4000  # 8 KB; took ~16 s
QUADRATIC_BRACKETS = "[" * 4000  # took 7-10 s
NESTED_EMPHASIS = "*" * 5000 + "a" + "*" * 5000


@pytest.fixture
def short_time_limit(monkeypatch):
    # The same limit, shorter, so the tests stay fast; the inputs take many seconds unbounded.
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 0.5)
    rendering._render_in_child.cache_clear()
    yield 0.5
    rendering._render_in_child.cache_clear()


@pytest.mark.parametrize(
    "text", [DEEP_LIST, DEEP_QUOTE, "1. " * 40 + "a", "\t* a\n" + "\t" * 20 + "* b"]
)
def test_deep_nesting_is_refused_with_its_line(text):
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown("Intro.\n\n" + text)
    assert refused.value.line == 3 + text.count("\n")
    assert f"more than {MAX_NESTING} levels" in refused.value.message


def test_nesting_up_to_the_limit_renders():
    html = render_markdown("* " * MAX_NESTING + "deep").html
    assert html.count("<ul>") == MAX_NESTING and "deep" in html


def test_text_over_the_size_limit_is_refused():
    with pytest.raises(MarkdownRefused, match="300,000"):
        render_markdown("a" * (MAX_MARKDOWN_CHARS + 1))


@pytest.mark.parametrize("text", [QUADRATIC_FOOTNOTES, QUADRATIC_BRACKETS, "[a](" * 5000])
def test_slow_text_is_stopped_at_the_time_limit_and_the_renderer_recovers(short_time_limit, text):
    started = time.monotonic()
    with pytest.raises(MarkdownRefused, match="more than 0.5 seconds of processing"):
        render_markdown(text)
    assert time.monotonic() - started < short_time_limit + 5  # stopped, not left to run ~16 s
    assert "<p>Next text.</p>" in render_markdown("Next text.").html


def test_nesting_that_exhausts_pythons_stack_is_refused_not_raised():
    with pytest.raises(MarkdownRefused, match="nested too deeply"):
        render_markdown(NESTED_EMPHASIS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, message",
    [
        (DEEP_LIST, "nested more than"),
        ("x" * (MAX_MARKDOWN_CHARS + 1), "at most 300,000 characters"),
        (NESTED_EMPHASIS, "nested too deeply"),
    ],
)
def test_the_admin_refuses_unrenderable_text_on_the_body_field_and_keeps_it(
    client, editor, body, message
):
    article = factories.draft_article(user=editor)
    client.force_login(editor)
    response = client.post(change_url(article), form_data(article, body=body))
    assert response.status_code == 200
    html = response.content.decode()
    before_body = html[: html.index('name="body"')]
    assert message in before_body[-4000:]
    assert body[:200] in html  # the editor's text is still in the form
    assert article.revisions.count() == 1


@pytest.mark.django_db
def test_the_admin_preview_explains_instead_of_hanging(client, editor, short_time_limit):
    article = factories.draft_article(user=editor)
    client.force_login(editor)
    for body, message in [
        (DEEP_LIST, "nested more than"),
        (QUADRATIC_FOOTNOTES, "seconds of processing"),
    ]:
        response = client.post(
            reverse("admin:articles_article_preview", args=[article.pk]),
            {"title": "t", "summary": "s", "body": body},
        )
        assert response.status_code == 200
        assert message in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, message",
    [
        (DEEP_LIST, "nested more than"),
        (QUADRATIC_FOOTNOTES, "seconds of processing"),
        (NESTED_EMPHASIS, "nested too deeply"),
        ("x" * (MAX_MARKDOWN_CHARS + 1), "300,000"),
    ],
)
def test_import_names_file_and_line_and_writes_nothing(
    content,  # noqa: F811 (the fixture imported above)
    short_time_limit,
    body,
    message,
):
    run_import(content)
    before = snapshot()
    text = ARTICLE.format(title="B", slug="bad", status="draft", line="x")
    # The offending text on body line 3, which is file line 14.
    write(
        content,
        "articles/bad.md",
        text.replace("## Key takeaways\n", "## Key takeaways\n\n" + body + "\n"),
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        run_import(content)
    assert "bad.md:" in str(error.value) and message in str(error.value)
    if message == "nested more than":
        assert "bad.md:14: " in str(error.value)
    assert "Traceback" not in str(error.value)
    assert snapshot() == before


_markdownish = st.text(st.sampled_from(list("[]^()*_`>#-+!:|\\ \n1.a日\u200b\x0b")), max_size=400)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), _markdownish))
def test_any_text_renders_or_is_refused_with_a_reason(text):
    try:
        rendered = render_markdown(text)
    except MarkdownRefused as refused:
        assert refused.message
    else:
        assert isinstance(rendered.html, str)


def test_a_render_child_killed_while_idle_is_replaced():
    import os
    import signal

    from mesoguide import time_limit

    render_markdown("First.")
    for worker in list(time_limit._pool._pool_manager.worker_manager.workers.values()):
        os.kill(worker.pid, signal.SIGKILL)
    time.sleep(0.3)
    assert "<p>After.</p>" in render_markdown("After.").html
    assert "<p>Again.</p>" in render_markdown("Again.").html


@pytest.mark.parametrize(
    "text, line",
    [
        ("Intro.\n\n" + "1234567890. " * 100 + "a", 3),  # list numbers of any length
        ("x\u2028y\u2028z\n\n" + "* " * 20 + "a", 3),  # U+2028 is not a Markdown line break
    ],
)
def test_nesting_is_found_however_the_markers_are_written(text, line):
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown(text)
    assert refused.value.line == line


EXPANDING = [
    f"[a]: https://example.org/{'x' * 1000}\n\n" + "[a] " * 3500,  # 15 KB, a long address
    f'[a]: https://example.org/ "{"t" * 1000}"\n\n' + "[a] " * 3500,  # a long title
]


@pytest.mark.parametrize("text", EXPANDING)
def test_a_small_text_that_would_expand_into_megabytes_of_html_is_refused(text):
    with pytest.raises(MarkdownRefused, match="expands to [0-9,]+ characters of HTML"):
        render_markdown(text)


@pytest.mark.parametrize("text", EXPANDING)
def test_the_size_is_refused_before_megabytes_are_sanitized(text, monkeypatch):
    # Sanitizing megabytes takes seconds on a slow machine, where the editor
    # would get the vaguer "took too long" instead (CI once did). The renderer
    # is called in this process here: its pool's children are forked already.
    sanitize = rendering.sanitize_html

    def sanitize_within_the_limit(html):
        assert len(html) <= rendering.MAX_HTML_CHARS, f"sanitized {len(html):,} characters"
        return sanitize(html)

    monkeypatch.setattr(rendering, "sanitize_html", sanitize_within_the_limit)
    with pytest.raises(MarkdownRefused, match="characters of HTML"):
        rendering._render(text)


def test_a_link_to_a_heading_the_page_does_not_keep_goes_nowhere():
    # The page has its own h1, so a "# Title" in the text is shown as plain text.
    for text in ["# Title\n\n[go](#title)", "Title\n=====\n\n[go](#title)"]:
        assert "<a>go</a>" in render_markdown(text).html
