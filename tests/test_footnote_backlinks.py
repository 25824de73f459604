"""A source cited several times links back to each citation under its own name,
compactly (↩ ↩2 ↩3), so a screen reader can tell the links apart."""

import re

from articles.rendering import render_markdown


def backlinks(markdown):
    html = render_markdown(markdown).html
    return re.findall(
        r'<a aria-label="([^"]+)" class="footnote-backref" href="#([^"]+)"[^>]*>([^<]+)</a>', html
    )


def test_each_back_link_has_its_own_name_and_a_compact_mark():
    found = backlinks("A[^a] B[^b] C[^a] D[^a].\n\n[^a]: One.\n[^b]: Two.")
    assert found == [
        ("Back to citation 1 of source 1", "fnref-a", "↩"),
        ("Back to citation 2 of source 1", "fnref2-a", "↩2"),
        ("Back to citation 3 of source 1", "fnref3-a", "↩3"),
        ("Back to where source 2 is cited", "fnref-b", "↩"),
    ]
    names = [name for name, _, _ in found]
    assert len(set(names)) == len(names)


def test_an_author_cannot_write_a_back_link_name_of_their_own():
    html = render_markdown('[x](https://example.org "t"){: aria-label="Log in"}').html
    assert not re.search(r"<a [^>]*aria-label", html)  # the attempt stays text
