"""A source cited more than once has one back-link per citation; each has its own
name for screen readers and a compact look (↩, ↩2), not a row of identical ↩."""

import re

from articles.rendering import render_markdown


def backlinks(html):
    return re.findall(r'<a class="footnote-backref"[^>]*>(.*?)</a>', html)


def test_each_back_link_has_a_distinct_name_and_a_compact_mark():
    html = render_markdown(
        "A.[^a] B.[^a] C.[^b]\n\n[^a]: First source.\n[^b]: Second source.\n"
    ).html
    links = backlinks(html)
    names = [re.search(r'class="visually-hidden">([^<]+)<', link).group(1) for link in links]
    assert names == [
        "Back to citation 1 of source 1",
        "Back to citation 2 of source 1",
        "Back to citation 1 of source 2",
    ]
    marks = [re.search(r'aria-hidden="true">([^<]+)<', link).group(1) for link in links]
    assert marks == ["&#8617;", "&#8617;2", "&#8617;"]


def test_authors_cannot_forge_the_markup_of_a_back_link():
    html = render_markdown('<a class="footnote-backref" href="#fnref:x">&#8617;</a>').html
    assert "&lt;a class=" in html, "shown as text"
    assert "<a " not in html and "<span" not in html
