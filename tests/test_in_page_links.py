"""Every in-page link the renderer writes reaches exactly one id, whatever the
heading's script or the footnote's label; ids are safe and never take one the
page's own templates use."""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.rendering import PAGE_ID_PREFIXES, PAGE_IDS, SAFE_ID, render_markdown


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.fragments = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.fragments.append(attrs["href"][1:])


def anchors(markdown):
    rendered = render_markdown(markdown)
    parser = _Anchors()
    parser.feed(rendered.toc_html + rendered.html)  # as the article page shows them
    return parser


def problems(markdown):
    found = anchors(markdown)
    wrong = [f"duplicate id {i!r}" for i in set(found.ids) if found.ids.count(i) > 1]
    wrong += [f"#{f} reaches no id" for f in found.fragments if f not in found.ids]
    wrong += [f"unsafe id {i!r}" for i in found.ids if not SAFE_ID.match(i)]
    wrong += [
        f"page id {i!r} taken" for i in found.ids if i in PAGE_IDS or i.startswith(PAGE_ID_PREFIXES)
    ]
    return wrong


def test_the_headings_and_labels_of_the_issue_all_link_both_ways():
    long_heading = "A very long heading " * 6  # 120 characters
    text = (
        f"## 2024 results\n\nText[^ü] and more[^a b].\n\n## 日本語の見出し\n\nText.\n\n"
        f"## {long_heading}\n\nText.\n\n[^ü]: One.\n[^a b]: Two.\n"
    )
    found = anchors(text)
    assert problems(text) == []
    assert {"2024-results", "日本語の見出し"} <= set(found.ids)
    assert len(found.fragments) == 3 + 2 * 2  # contents, two references and their back-links


def test_headings_that_would_take_a_page_id_get_their_own():
    for title in ["Comments", "Main", "Comment form", "Topic 1", "Newsletter footer email"]:
        assert problems(f"## {title}\n\nText.\n\n## {title}\n\nAgain.") == []


def test_a_link_to_a_missing_anchor_keeps_its_text_but_goes_nowhere():
    html = render_markdown("[see costs](#costs) and [top](#top)\n\n## Costs of it").html
    assert "<a>see costs</a>" in html and 'href="#top"' in html


def test_the_page_templates_use_only_the_ids_the_renderer_keeps_clear_of():
    used = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for value in re.findall(r'\bid="([^"]*)"', template.read_text()):
            used.add(value.split("{", 1)[0])  # the fixed part of a built id
    for literal in sorted(used - {""}):
        assert literal in PAGE_IDS or literal.startswith(PAGE_ID_PREFIXES), (
            f'id="{literal}..." in templates: add it to PAGE_IDS or PAGE_ID_PREFIXES '
            "(articles/rendering.py) so no heading can take it"
        )


_heading = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r#[]\\`*_"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())
_label = st.text(
    st.characters(blacklist_categories=["Cs", "Zl", "Zp"], blacklist_characters="\n\r]^\\"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s)


@hypothesis_settings(max_examples=150, deadline=None)
@given(headings=st.lists(_heading, min_size=1, max_size=5), labels=st.lists(_label, max_size=4))
def test_in_page_links_always_resolve_for_generated_headings_and_labels(headings, labels):
    text = "\n\n".join(f"## {h}\n\nText." for h in headings)
    text += "\n\n" + " ".join(f"Claim[^{label}]." for label in labels)
    text += "\n\n" + "\n".join(f"[^{label}]: Source {n}." for n, label in enumerate(labels))
    assert problems(text) == []
