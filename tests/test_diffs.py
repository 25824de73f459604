"""Differences editors can read: word by word, of the rendered text or of the
Markdown source, marked for eyes and screen readers, and never a way in for markup."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from articles import diffs, workflow
from articles.diffs import rendered_diff, text_diff
from articles.models import Article
from articles.rendering import DIFF_TAGS, MarkdownRefused, render_markdown
from tests import factories
from tests.e2e.xss_corpus import load_vectors

LAUNCH = Path(__file__).resolve().parents[1] / "content" / "articles"


def marked(comparison, tag):
    """The words inside each <ins> or <del>, without the screen-reader labels."""
    tree = lxml_html.fragment_fromstring(str(comparison.html), create_parent="div")
    for hidden in tree.xpath('//span[@class="visually-hidden"]'):
        hidden.drop_tree()
    return [" ".join(el.text_content().split()) for el in tree.iter(tag)]


def test_a_changed_word_is_deleted_and_inserted_with_labels_for_screen_readers():
    old = render_markdown("Massage moves fluid for a few hours.").html
    new = render_markdown("Massage moves fluid for a few days.").html
    comparison = rendered_diff(old, new)
    assert comparison.changed and comparison.complete
    assert marked(comparison, "del") == ["hours."]
    assert marked(comparison, "ins") == ["days."]
    html = str(comparison.html)
    assert '<del><span class="visually-hidden">deleted: </span>hours.' in html
    assert '<ins><span class="visually-hidden">inserted: </span>days.' in html
    assert "(end of insertion)" in html and "(end of deletion)" in html


def test_one_word_changed_in_a_long_article_marks_only_that_word():
    text = (LAUNCH / "choosing-a-provider.md").read_text()
    sentence = next(line for line in text.splitlines() if len(line.split()) > 12)
    word = sentence.split()[5]
    edited = text.replace(sentence, sentence.replace(f" {word} ", " CHANGED ", 1), 1)
    assert edited != text
    comparison = rendered_diff(render_markdown(text).html, render_markdown(edited).html)
    assert marked(comparison, "ins") == ["CHANGED"]
    assert len(marked(comparison, "del")) == 1 and word in marked(comparison, "del")[0]
    source = text_diff(text, edited)
    assert marked(source, "ins") == ["CHANGED"]


def test_the_source_diff_is_words_with_no_gutter_letters_and_escaped():
    comparison = text_diff("Line one\nthe <b>old</b> words\n", "Line one\nthe <b>new</b> words\n")
    html = str(comparison.html)
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert marked(comparison, "del") == ["<b>old</b>"]
    assert marked(comparison, "ins") == ["<b>new</b>"]
    # No difflib gutter ("n", "t" links), no line-number table: just the text.
    assert "<table" not in html and 'href="#difflib' not in html
    assert html.startswith("Line one\nthe ")


def test_unchanged_texts_are_said_to_be_unchanged():
    same = render_markdown("Same text.").html
    assert not rendered_diff(same, same).changed
    assert not text_diff("a b", "a b").changed


def _unsafe(html):
    """Everything in a diff's markup outside the diff allowlist."""
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    problems = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            problems.append(f"{el!r}")
            continue
        if el.tag not in DIFF_TAGS | {"div", "span"}:
            problems.append(el.tag)
        if el.tag == "span" and dict(el.attrib) != {"class": "visually-hidden"}:
            problems.append(f"span {dict(el.attrib)}")
        for name, value in el.attrib.items():
            if name.startswith("on") or name in {"style", "id", "src"}:
                problems.append(f"{el.tag} {name}")
            if name == "href" and not re.match(r"^(https?://|mailto:|#|/(?![/\\]))", value, re.I):
                problems.append(f"href {value}")
    return problems


def test_no_hostile_vector_survives_a_diff_even_unsanitized(subtests):
    """The diff's input is sanitized revision HTML, but its output is sanitized again:
    hostile markup fed straight in (old or new side) still leaves nothing unsafe."""
    vectors = load_vectors()
    for before, after in zip(vectors, vectors[1:] + vectors[:1], strict=True):
        with subtests.test(msg=after.id):
            both = rendered_diff(f"<p>plain {before.text}</p>", f"<p>plain {after.text}</p>")
            assert not _unsafe(str(both.html)), after.text
            source = text_diff(before.text, after.text)
            assert not _unsafe(str(source.html)), after.text


def _renderable(vectors):
    # The renderer refuses some vectors outright (a picture from another site):
    # those never reach a revision, so never a diff.
    kept = []
    for vector in vectors:
        try:
            render_markdown(vector.text)
        except MarkdownRefused:
            continue
        kept.append(vector)
    return kept


def test_hostile_vectors_rendered_then_compared_stay_safe():
    vectors = _renderable(load_vectors())
    assert len(vectors) > 300  # the corpus still goes through, not a handful of it
    half = len(vectors) // 2
    old = "\n\n".join(v.text for v in vectors[:half])
    new = "\n\n".join(v.text for v in vectors[half:])
    comparison = rendered_diff(render_markdown(old).html, render_markdown(new).html)
    assert comparison.complete
    assert not _unsafe(str(comparison.html))


def test_texts_too_costly_to_compare_are_shown_whole_and_said_so(monkeypatch):
    monkeypatch.setattr(diffs, "IN_PROCESS_CHARS", 1_000)
    monkeypatch.setattr(diffs, "DIFF_SECONDS", 0.2)
    old = "<p>" + " ".join("ab"[i % 3 == 0] for i in range(120_000)) + "</p>"
    new = "<p>" + " ".join("ab"[i % 5 == 0] for i in range(120_000)) + "</p>"
    comparison = rendered_diff(old, new)
    assert comparison.changed and not comparison.complete
    assert "<ins>" not in str(comparison.html)
    # Distinct words in many paragraphs: each blank line matches, which costs the most.
    old = "\n\n".join(" ".join(f"w{p}x{i}" for i in range(50)) for p in range(800))
    new = "\n\n".join(" ".join(f"v{p}x{i}" for i in range(50)) for p in range(800))
    source = text_diff(old, new)
    assert source.changed and not source.complete and "<ins>" not in str(source.html)


# --- the screen ------------------------------------------------------------------


@pytest.fixture
def edited_live_article(db, editor, writer):
    article = factories.published_article()
    article.refresh_from_db()
    workflow.save_draft(
        article,
        user=writer,
        title=article.title,
        summary=article.latest_revision.summary,
        body=article.latest_revision.body.replace("many small injections", "several injections"),
    )
    return Article.objects.get(pk=article.pk)


def test_compare_with_live_is_one_click_from_the_article(client, editor, edited_live_article):
    article = edited_live_article
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    link = re.search(r'<a href="([^"]+)">Compare the latest draft with the live text', page)
    assert link
    diff = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    live, latest = article.live_revision.number, article.latest_revision.number
    assert f"Revision {live} (live) compared with revision {latest} (latest)" in diff
    assert '<del><span class="visually-hidden">deleted: </span>many small' in diff
    assert "several" in diff and 'aria-current="page">As readers see it' in diff
    assert "Title: unchanged" in diff


def test_compare_with_last_reviewed_and_the_source_view(client, editor, edited_live_article):
    article = edited_live_article
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    # The live text is the last reviewed one: one link says both.
    assert "with the live text (also the last reviewed)</a>" in page
    assert "with the last reviewed text (revision" not in page
    url = reverse("admin:articles_article_diff", args=[article.pk])
    page = client.get(url, {"from": "reviewed", "view": "source"}).content.decode()
    assert 'aria-current="page">Markdown source' in page
    assert "Text (Markdown)" in page and 'class="diff-text diff-source"' in page
    assert "&lt;https://doi.org" in page  # the source as written, escaped


def test_choosing_what_does_not_exist_explains_instead_of_failing(client, editor, writer):
    article = factories.draft_article(user=writer)
    client.force_login(editor)
    url = reverse("admin:articles_article_diff", args=[article.pk])
    for query, words in [
        ({"from": "live"}, "never been published"),
        ({"from": "reviewed"}, "No earlier revision"),
        ({"from": "99"}, "no revision 99"),
        ({"from": "x<y"}, "Choose two revisions"),
        ({"from": "9" * 30}, "no revision 999"),
    ]:
        response = client.get(url, query, follow=True)
        assert response.status_code == 200
        assert words in response.content.decode()
