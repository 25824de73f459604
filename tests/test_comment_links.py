"""A reader's web address becomes a link exactly as they typed it: brackets,
quotes and punctuation around it stay outside, and nothing invisible is ever
part of a link."""

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.rendering import render_comment


def links(text):
    """[(href, shown text)] of the comment's links, unescaped."""
    found = re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', render_comment(text))
    return [(html.unescape(href), html.unescape(shown)) for href, shown in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("See [https://www.example.org/] for more.", "https://www.example.org/"),
        ("See <https://example.com/page> please", "https://example.com/page"),
        ("(see https://example.com/a)", "https://example.com/a"),
        (
            "Read https://en.wikipedia.org/wiki/Foo_(bar).",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ('He said "https://example.com/x"!', "https://example.com/x"),
        ("https://example.com/?a=1&b=2, then", "https://example.com/?a=1&b=2"),
        ("Go to https://example.com/path...", "https://example.com/path"),
        ("{https://example.com/}", "https://example.com/"),
        ("'https://example.com'", "https://example.com"),
        ("https://[2001:db8::1]/x", "https://[2001:db8::1]/x"),
    ],
)
def test_surrounding_punctuation_stays_outside_the_link(text, expected):
    assert links(text) == [(expected, expected)]


@pytest.mark.parametrize(
    "text",
    [
        "https://exa\u200bmple.com",  # zero-width space: only "mple.com" was linked
        "https://exa\u2060mple.com",  # word joiner
        "https://exa\u00admple.com",  # soft hyphen
        "\u200bhttps://example.com",
        "https://example.com\u200b/more",
    ],
)
def test_an_address_holding_an_invisible_character_is_not_linked(text):
    assert links(text) == []
    assert "mple.com" in render_comment(text)  # the text itself is kept


@pytest.mark.parametrize(
    "text", ["https://exa\u202emple.com", "\u202ehttps://example.com", "https://e.com\u2066/x"]
)
def test_an_address_with_a_bidirectional_control_is_not_linked_and_the_text_is_kept(text):
    assert links(text) == []
    assert text in html.unescape(render_comment(text))


def test_only_web_addresses_become_links():
    assert links("javascript:alert(1) ftp://x.example/ mailto:a@b.org a@b.org https://") == []
    assert links("www.example.org") == [("http://www.example.org", "www.example.org")]


_host = st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12}){0,2}\.(org|com|nhs\.uk)", fullmatch=True)
# Ending in a letter, digit or "/": a final "." or "?" reads as the sentence's.
_path = st.from_regex(r"(/[A-Za-z0-9_~%=&?#+-]{0,12}[A-Za-z0-9]){0,3}/?", fullmatch=True)
_wrapping = st.sampled_from(["", "()", "[]", "<>", '""', "''", "{}", "**"])


@given(
    scheme=st.sampled_from(["http://", "https://"]),
    host=_host,
    path=_path,
    wrapping=_wrapping,
    after=st.sampled_from(["", ".", ",", "!", "?", ":", ";", "...", ").", "]."]),
    before=st.sampled_from(["", "See ", "see: ", "1) "]),
)
def test_a_generated_address_is_linked_exactly_as_typed(
    scheme, host, path, wrapping, after, before
):
    url = scheme + host + path
    opening, closing = (wrapping[0], wrapping[1]) if wrapping else ("", "")
    text = f"{before}{opening}{url}{closing}{after} more words"
    assert links(text) == [(url, url)]


@given(st.text(max_size=200))
def test_any_text_renders_with_only_visible_web_links(text):
    for href, shown in links(text):
        assert re.match(r"https?://", href)
        assert shown in href
        assert not re.search(r"[\s\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]", href)
