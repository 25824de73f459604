"""A cached page answers GET and HEAD only: any other method the page cache does not
serve (OPTIONS, TRACE) would have the whole page rebuilt on every request, a cheap
way for a hostile client to bypass the cache."""

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE"])
def test_other_methods_on_cached_pages_are_refused_without_building_the_page(method):
    article = factories.published_article(slug="what-it-is", title="What mesotherapy is")
    for path in ("/", article.get_absolute_url(), article.topic.get_absolute_url(), "/feeds/rss/"):
        Client().get(path)
        response = Client().generic(method, path)
        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD"
        assert b"What mesotherapy is" not in response.content
