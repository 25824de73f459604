"""Search results a reader can scan: titles and headings rank above body text,
snippets come from the section that matched and are cut between words, the
matched words are marked, and each result says which section matched. The same
on SQLite and PostgreSQL."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")


def search(client, q):
    return client.get(SEARCH, {"q": q}).content.decode()


def result_urls(html):
    return re.findall(r'<h2 class="card-title"><a href="([^"]+)">', html)


def snippets(html):
    return re.findall(r'<p class="snippet">(.*?)</p>', html, re.DOTALL)


def test_title_then_heading_then_body(client):
    factories.published_article(
        slug="body", title="Aftercare", body="## Afterwards\n\n" + "Some bruising is common. " * 6
    )
    factories.published_article(
        slug="heading", title="Risks", body="## Bruising\n\nIt fades over a week or two.\n"
    )
    factories.published_article(slug="title", title="Bruising explained", body="## What\n\nText.\n")
    assert result_urls(search(client, "bruising")) == [
        "/guide/title/",
        "/guide/heading/",
        "/guide/body/",
    ]


def test_more_mentions_rank_above_one_in_passing(client):
    factories.published_article(
        slug="passing", title="Costs", body="## Money\n\nIt may leave bruises.\n"
    )
    factories.published_article(
        slug="many", title="Reactions", body="## Skin\n\nBruises. A bruise. More bruises here.\n"
    )
    assert result_urls(search(client, "bruises")) == ["/guide/many/", "/guide/passing/"]


def test_snippet_is_cut_between_words_and_marks_each_match(client):
    words = " ".join(f"word{n}" for n in range(200))
    factories.published_article(
        slug="long", title="Long", body=f"## Start\n\n{words} deoxycholate & <b>fat</b> {words}\n"
    )
    (snippet,) = snippets(search(client, "deoxycholate"))
    assert "<mark>deoxycholate</mark>" in snippet
    assert "&amp;" in snippet and "<b>" not in snippet
    inner = snippet.strip().removeprefix("… ").removesuffix(" …")
    assert snippet.startswith("… ") and snippet.endswith(" …")
    for piece in (
        inner.replace("<mark>", "").replace("</mark>", "").split()[:1] + inner.split()[-1:]
    ):
        assert re.fullmatch(r"word\d+", piece), f"cut inside a word: {piece!r}"


def test_result_says_which_section_matched_and_links_to_it(client):
    factories.published_article(
        slug="guide",
        title="Guide",
        body="## Key takeaways\n\nShort.\n\n## Warning signs\n\nA hot, growing lump needs a doctor.\n",
    )
    html = search(client, "lump")
    assert 'Found in: <a href="/guide/guide/#warning-signs">Warning signs</a>' in html
    (snippet,) = snippets(html)
    assert "Warning signs" not in snippet, "headings do not run into the text"
    assert "<mark>lump</mark>" in snippet


def test_bruising_finds_the_side_effects_article_first(client):
    call_command("import_content", stdout=open("/dev/null", "w"))
    assert result_urls(search(client, "bruising"))[0] == "/guide/side-effects-and-risks/"
