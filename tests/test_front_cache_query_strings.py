"""A page's query-string variants (?utm_source=..., ?page=2) are kept by a front
cache only when a purge reaches them: Cloudflare and PURGE purge exact URLs, and
CloudFront's wildcards leave the home page's variants out. Elsewhere a retracted
article would live on under ?utm_source= for CDN_CACHE_SECONDS (a day)."""

import pytest
from django.test import Client

from tests import factories
from tests.test_front_cache_settings import VARNISH, settings_with
from tests.test_page_cache_wsgi import URL, call

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return factories.published_article(slug="what-it-is", title="What mesotherapy is")


def _shared_seconds(cache_control):
    return int(cache_control.split("s-maxage=")[1].split(",")[0])


@pytest.mark.parametrize("cache_query_strings", [False, True])
def test_query_string_variants_are_shared_only_where_a_purge_reaches_them(
    article, settings, cache_query_strings
):
    settings.CDN_CACHE_SECONDS = 24 * 3600
    settings.CDN_CACHE_QUERY_STRINGS = cache_query_strings
    settings.VIEW_COUNT_MAX_LAG_SECONDS = 24 * 3600  # an article page asks no shorter life

    def expected(seconds):
        return seconds > 24 * 3600 - 5 if cache_query_strings else seconds == 0

    variant = f"{URL}?utm_source=newsletter"
    miss = Client().get(variant)
    assert miss["X-Page-Cache"] == "miss"
    assert expected(_shared_seconds(miss["Cache-Control"]))
    status, headers, _body, reached = call(variant)  # a hit before Django
    assert not reached
    assert expected(_shared_seconds(headers["Cache-Control"]))
    assert expected(_shared_seconds(Client().get(variant)["Cache-Control"]))  # hit in Django
    # The plain URL, which every purge names, keeps the front cache's day.
    assert _shared_seconds(Client().get(URL)["Cache-Control"]) > 24 * 3600 - 5
    assert _shared_seconds(call()[1]["Cache-Control"]) > 24 * 3600 - 5


def _query_strings_kept(**environment):
    """settings.CDN_CACHE_QUERY_STRINGS as the site starts with this environment."""
    code, output = settings_with(names=("CDN_CACHE_QUERY_STRINGS",), **environment)
    assert code == 0, output
    return output.strip() == "True"


def test_only_varnish_ban_and_no_purging_keep_query_string_variants():
    assert _query_strings_kept()
    assert _query_strings_kept(**VARNISH)
    assert not _query_strings_kept(**VARNISH, FRONTEND_CACHE_HTTP_METHOD="PURGE")
    cloudflare = {"CLOUDFLARE_ZONE_ID": "z", "CLOUDFLARE_API_TOKEN": "t"}
    assert not _query_strings_kept(
        FRONTEND_CACHE_BACKEND="cloudflare", SITE_URL="https://mesoguide.example", **cloudflare
    )
    assert not _query_strings_kept(
        FRONTEND_CACHE_BACKEND="cloudfront", CLOUDFRONT_DISTRIBUTION_ID="d"
    )
