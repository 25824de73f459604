"""Markdown becomes safe HTML: nothing an author types can run script in a reader's browser."""

import re

import pytest

from articles.rendering import MarkdownRefused, render_markdown


def html_of(markdown):
    return render_markdown(markdown).html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<div onclick='alert(1)'>hi</div>",
        "<img src=x onerror=alert(1)>",
        "Inline <b onmouseover=alert(1)>bold</b> html",
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(markdown):
    html = html_of(markdown)
    assert not re.search(r"<(script|div|img|b|iframe|style|svg|math)\b", html)
    assert not re.search(r"<[a-z][^>]*\son\w+=", html), html
    assert "&lt;" in html or html == ""


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x61;script:alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)",
        "javascript&colon;alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
    ],
)
def test_dangerous_link_schemes_are_removed(href):
    for markdown in (f"[click]({href})", f"[click][ref]\n\n[ref]: {href}"):
        html = html_of(markdown)
        for match in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert re.match(r"^(https?://|mailto:|#|/)", match), html
        assert "<img" not in html
    # A picture from anywhere but the image library is refused outright.
    with pytest.raises(MarkdownRefused):
        html_of(f"![img]({href})")


def test_attr_list_cannot_add_event_handlers_or_styles():
    html = html_of(
        '## Heading {: onclick="alert(1)" style="color:red" }\n\nText\n{: onmouseover=alert(1) }'
    )
    assert not re.search(r"<[^>]+\s(on\w+|style)=", html), html


def test_data_uri_images_are_refused():
    with pytest.raises(MarkdownRefused, match="not from our image library"):
        html_of("![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)")


def test_headings_get_stable_ids_and_a_table_of_contents():
    rendered = render_markdown("## How it works\n\nText.\n\n### The injections\n\nMore.")
    assert '<h2 id="how-it-works">How it works</h2>' in rendered.html
    assert '<h3 id="the-injections">' in rendered.html
    assert 'href="#how-it-works"' in rendered.toc_html
    assert 'href="#the-injections"' in rendered.toc_html
    assert render_markdown("## How it works\n\nText.").html.count('id="how-it-works"') == 1


def test_footnotes_link_to_their_source_and_back():
    html = html_of("Claim[^r1] and again[^r1].\n\n[^r1]: Source. <https://doi.org/10.1/x>")
    assert 'href="#fn-r1"' in html
    assert '<li id="fn-r1">' in html
    assert 'href="#fnref-r1"' in html
    assert 'href="https://doi.org/10.1/x" rel="noopener"' in html


def test_tables_and_lists_render_without_style_attributes():
    html = html_of("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n1. one\n2. two\n\n- x\n- y")
    assert "<table>" in html and '<th align="left">' in html
    assert "<ol>" in html and "<ul>" in html
    assert "style=" not in html


def test_external_links_get_noopener_and_internal_links_do_not():
    html = html_of("[ext](https://example.org/a) [int](/about/) [mail](mailto:a@b.org) [top](#top)")
    assert '<a href="https://example.org/a" rel="noopener">' in html
    assert '<a href="/about/">' in html
    assert '<a href="mailto:a@b.org">' in html
    assert '<a href="#top">' in html


def test_authors_cannot_borrow_site_classes():
    html = html_of('[paid](https://x.example){: class="paid-link-label" }')
    assert not re.search(r"<[a-z][^>]*class=\"paid-link-label\"", html), html


def test_reading_time_counts_prose_not_sources():
    words = " ".join(["word"] * 400)
    sources = "\n".join(f"[^s{i}]: " + " ".join(["cite"] * 50) for i in range(20))
    rendered = render_markdown(f"{words}\n\n## Sources\n\n{sources}")
    assert rendered.word_count == 400
    assert rendered.reading_minutes == 2


@pytest.mark.parametrize("href", ["//evil.example/x", "/\\evil.example/x", "/\\/evil.example"])
def test_links_that_browsers_read_as_another_host_are_dropped(href):
    html = html_of(f"[x]({href})")
    assert "evil.example" not in html.split(">x<")[0], html
