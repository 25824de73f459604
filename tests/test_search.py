"""Readers search the live text of published articles and pages, ranked, with snippets."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Kind
from tests import factories

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")
# Stemming ("bruising" finds "bruise") and the GIN index exist only in PostgreSQL's
# full-text search; SQLite's fallback matches words from their start. CI's
# PostgreSQL pass runs these.
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: stemming and the GIN index (CI's PostgreSQL pass runs it)",
)


def body(words):
    return f"## About\n\n{words}\n"


def search(client, q, **params):
    return client.get(SEARCH, {"q": q, **params}).content.decode()


def test_search_finds_articles_and_pages_by_title_and_text(client):
    factories.published_article(
        slug="allergy", title="Allergy testing", body=body("Patch tests first.")
    )
    factories.published_article(
        slug="sessions", title="Sessions", body=body("Weekly appointments help.")
    )
    factories.approve_and_publish(
        factories.draft_article(
            slug="privacy",
            title="Privacy",
            kind=Kind.PAGE,
            body=body("We keep appointments data safe."),
        )
    )
    html = search(client, "appointments")
    assert 'href="/guide/sessions/"' in html and 'href="/privacy/"' in html
    assert 'href="/guide/allergy/"' not in html
    assert "2 results for “appointments”" in html
    assert 'href="/guide/allergy/"' in search(client, "allergy")


def test_title_matches_rank_above_body_matches(client):
    factories.published_article(slug="body-hit", title="Side effects", body=body("Bruising " * 5))
    factories.published_article(
        slug="title-hit", title="Bruising after sessions", body=body("Rare.")
    )
    html = search(client, "bruising")
    assert html.index("/guide/title-hit/") < html.index("/guide/body-hit/")


def test_search_shows_only_the_live_text_never_a_newer_draft(client, editor):
    article = factories.published_article(
        slug="live", title="Live title", body=body("Published words.")
    )
    from articles import workflow

    workflow.save_draft(
        article, user=editor, title="Draft title", summary="s", body=body("Zebrafish draft.")
    )
    assert "Nothing found" in search(client, "zebrafish")
    assert "/guide/live/" in search(client, "published")


def test_results_are_paginated(client):
    for n in range(12):
        factories.published_article(slug=f"a{n}", title=f"Cellulite article {n}")
    first = search(client, "cellulite")
    assert "12 results" in first and "page 1 of 2" in first
    assert '?q=cellulite&amp;page=2" rel="next"' in first
    assert first.count('class="search-result"') == 10
    second = search(client, "cellulite", page=2)
    assert second.count('class="search-result"') == 2 and 'rel="prev"' in second
    assert search(client, "cellulite", page="999").count('class="search-result"') == 2


@pytest.mark.parametrize(
    "q, message",
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("!!! ??? ***", "We could not find any words"),
        ("cellulite " * 30, "longer than 100 characters"),
    ],
)
def test_empty_or_absurd_queries_get_a_friendly_page(client, guide, q, message):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_search_page_without_a_query_and_with_odd_input_is_fine(client, guide):
    assert client.get(SEARCH).status_code == 200
    for q in [
        '"unclosed',
        "a OR -b",
        "<script>alert(1)</script>",
        "ünïcödé",
        "'; DROP TABLE x; --",
    ]:
        response = client.get(SEARCH, {"q": q})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()


def test_snippet_shows_matching_text_escaped(client):
    factories.published_article(
        slug="ingredients",
        title="Ingredients",
        body=body("Phosphatidylcholine & deoxycholate <b>dissolve</b> fat."),
    )
    html = search(client, "deoxycholate")
    snippet = html[html.index('class="snippet"') :]
    assert "deoxycholate" in snippet.lower()
    assert "<b>dissolve" not in snippet


def test_search_pages_are_not_indexed(client, guide):
    assert '<meta name="robots" content="noindex, follow">' in search(client, "mesotherapy")


@on_postgres
def test_postgres_highlights_matches_and_uses_stemming(client):
    factories.published_article(
        slug="inj", title="Injections", body=body("Many small injections into the skin.")
    )
    html = search(client, "injection")
    assert "<mark>injections</mark>" in html.lower() or "<mark>injections</mark>" in html


@on_postgres
def test_postgres_search_uses_the_gin_index_of_the_search_entries(guide):
    from django.contrib.postgres.search import SearchQuery

    from articles.search import CONFIG
    from articles.search_index import SearchEntry

    matching = SearchEntry.objects.filter(
        document=SearchQuery("cellulite", search_type="websearch", config=CONFIG)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_document'")
        assert "USING gin" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        sql, params = matching.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "search_entry_document" in plan, plan


def test_a_number_is_found_as_a_word_not_inside_another_number(client):
    factories.published_article(
        slug="emergency", title="Emergency help", body=body("In the UK call 999 at once.")
    )
    factories.published_article(
        slug="history", title="A short history", body=body("First described in 1999.")
    )
    html = search(client, "999")
    assert 'href="/guide/emergency/"' in html
    assert 'href="/guide/history/"' not in html
    assert 'href="/guide/history/"' in search(client, "1999")


def test_a_word_is_not_found_inside_another_word(client):
    factories.published_article(slug="inject", title="Injections", body=body("Mesotherapy."))
    factories.published_article(slug="therapy", title="Therapy", body=body("Therapy basics."))
    html = search(client, "therapy")
    assert 'href="/guide/therapy/"' in html
    assert 'href="/guide/inject/"' not in html
