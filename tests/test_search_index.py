"""Search reads only an index of the text readers can see, kept up to date by
publishing; results are cached per normalised query and each client's uncached
searches are limited."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.search_index import SearchEntry, rebuild
from tests import factories

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")


def found(client, q, **params):
    html = client.get(SEARCH, {"q": q, **params}).content.decode()
    return html


def body(words):
    return f"## About\n\n{words}\n"


def test_only_published_text_is_in_the_index_and_a_huge_draft_costs_search_nothing(client):
    live = factories.published_article(slug="live", title="Live", body=body("Shared word."))
    draft = factories.draft_article(slug="draft", title="Draft", body=body("Shared word secretly."))
    workflow.save_draft(
        live,
        user=None,
        title="Live",
        summary="s",
        body=body("Shared word, with zanzibarish text in the unpublished draft " * 2000),
    )
    assert list(SearchEntry.objects.values_list("article__slug", flat=True)) == ["live"]
    assert "zanzibarish" not in SearchEntry.objects.get().body
    with CaptureQueriesContext(connection) as queries:
        html = found(client, "zanzibarish")
    assert "Nothing found" in html
    # No search query filters on a revision's text, drafts included.
    text_columns = r'WHERE.*"articles_revision"\."(body|body_html|title|summary|toc_html)"'
    assert not any(re.search(text_columns, q["sql"], re.DOTALL) for q in queries)
    assert draft.slug not in found(client, "secretly")


def test_publishing_makes_text_searchable_at_once_even_after_a_cached_miss(client):
    assert "Nothing found" in found(client, "mesotherapy")  # cached for this query
    factories.published_article(slug="new", title="New", body=body("Mesotherapy explained."))
    assert 'href="/guide/new/"' in found(client, "mesotherapy")


@pytest.mark.parametrize("take_down", [workflow.unpublish, workflow.archive])
def test_unpublished_and_archived_text_leaves_the_results_at_once(client, take_down):
    article = factories.published_article(slug="gone", title="Gone", body=body("Bruising."))
    assert 'href="/guide/gone/"' in found(client, "bruising")  # now cached
    take_down(article, user=None)
    assert not SearchEntry.objects.filter(article=article).exists()
    assert 'href="/guide/gone/"' not in found(client, "bruising")


def test_a_new_revision_replaces_the_old_text_in_the_index(client):
    article = factories.published_article(slug="a", title="A", body=body("Oldword here."))
    factories.revise_and_publish(article, title="A", body=body("Newword here."))
    assert 'href="/guide/a/"' in found(client, "newword")
    assert 'href="/guide/a/"' not in found(client, "oldword")


def test_scheduled_text_is_found_from_its_moment_with_results_cached(client):
    soon = timezone.now() + timezone.timedelta(seconds=30)
    article = factories.approve_and_publish(
        factories.draft_article(slug="later", title="Later", body=body("Cryolipolysis.")), at=soon
    )
    assert SearchEntry.objects.filter(article=article).exists()  # indexed, not yet shown
    assert 'href="/guide/later/"' not in found(client, "cryolipolysis")
    # Cached results live no longer than the wait for that moment (no save happens then).
    from articles.search import _results_lifetime

    assert _results_lifetime(timezone.now()) <= 30
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    from django.core.cache import cache

    cache.clear()  # what expiry does to the cached miss
    assert 'href="/guide/later/"' in found(client, "cryolipolysis")


def test_results_are_cached_per_normalised_query(client, django_assert_max_num_queries):
    factories.published_article(slug="b", title="Bruising", body=body("Bruising is common."))
    found(client, "Bruising")
    with django_assert_max_num_queries(0):
        for variant in ["bruising", "BRUISING", "  bruising ", "bru\u200bising", "bruising\x00"]:
            assert 'href="/guide/b/"' in found(client, variant)


def test_each_client_may_run_only_so_many_uncached_searches(client, monkeypatch):
    from articles import search
    from mesoguide.ratelimit import RateLimit

    monkeypatch.setattr(
        search, "SEARCH_RATE_LIMIT", RateLimit("search", limit=3, per_seconds=86_400)
    )
    factories.published_article(slug="c", title="Cost", body=body("Cost word."))
    statuses = [client.get(SEARCH, {"q": f"word{n}"}).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "searched many times" in found(client, "word9")
    # Until its window ends the client is refused in-process, even for cached
    # results (no shared-cache round trip); another client is not held back.
    assert client.get(SEARCH, {"q": "word1"}).status_code == 429
    other = client.get(SEARCH, {"q": "word8"}, REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200


def test_page_numbers_in_other_digits_are_the_first_page(client):
    for n in range(12):
        factories.published_article(slug=f"p{n}", title=f"Peel {n}", body=body("Peel."))
    first = found(client, "peel")
    assert found(client, "peel", page="\u0662") == first  # Arabic-Indic 2 is not page 2
    assert "Page 2 of 2" in found(client, "peel", page="2")
    assert "Page 2 of 2" in found(client, "peel", page="99")  # past the end: the last page


def test_rebuild_writes_the_index_afresh():
    factories.published_article(slug="d", title="D", body=body("Text."))
    factories.draft_article(slug="e", title="E", body=body("Text."))
    SearchEntry.objects.all().delete()
    assert rebuild() == 1
    assert SearchEntry.objects.get().article.slug == "d"


@pytest.mark.parametrize("page", ["0", "00000", "0\t"])
def test_page_zero_is_the_first_page(client, page):
    factories.published_article(slug="z", title="Zero", body=body("Zero."))
    response = client.get(SEARCH, {"q": "zero", "page": page})
    assert response.status_code == 200 and 'href="/guide/z/"' in response.content.decode()


def test_the_search_limit_holds_while_the_shared_cache_is_away(client, monkeypatch):
    from articles import search, search_index
    from mesoguide.ratelimit import RateLimit

    monkeypatch.setattr(
        search, "SEARCH_RATE_LIMIT", RateLimit("search", limit=3, per_seconds=86_400)
    )
    monkeypatch.setattr(search_index, "generation", lambda: None)  # what an outage answers
    statuses = [client.get(SEARCH, {"q": f"word{n}"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_results_found_before_an_unpublish_moment_are_not_kept_past_it(client, monkeypatch):
    from articles import search

    factories.approve_and_publish(
        factories.draft_article(slug="soon-gone", title="Soon gone", body=body("Quokkaword.")),
        at=timezone.now() - timezone.timedelta(days=1),
        until=timezone.now() + timezone.timedelta(seconds=1),
    )
    searched_at = timezone.now()
    # The query ran before the moment; the results are stored after it.
    later = searched_at + timezone.timedelta(seconds=2)
    monkeypatch.setattr(search.timezone, "now", lambda: later)
    assert search._results_lifetime(searched_at) == 0
