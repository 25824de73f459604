"""Every public page is built from the shared parts: banner, skip link, title, description, canonical."""

import re

import pytest
from django.utils import timezone

from articles.models import Kind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    article = factories.published_article(slug="what-it-is", title="What mesotherapy is")
    factories.approve_and_publish(
        factories.draft_article(
            slug="advertiser-disclosure", title="Advertiser disclosure", kind=Kind.PAGE
        ),
        at=timezone.now() - timezone.timedelta(days=1),
    )
    return article


def public_pages(article):
    return {
        "home": "/",
        "topic": article.topic.get_absolute_url(),
        "article": article.get_absolute_url(),
        "page": "/advertiser-disclosure/",
        "person": article.author.get_absolute_url(),
        "not found": "/no-such-page/",
    }


def test_every_public_page_carries_the_disclosure_banner_and_page_basics(client, site):
    for name, url in public_pages(site).items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code in (200, 404), name
        assert html.count('class="disclosure-banner"') == 1, name
        assert 'href="/advertiser-disclosure/">How we make money</a>' in html, name
        assert '<html lang="en-GB">' in html, name
        assert '<a class="skip-link" href="#main">' in html and 'id="main"' in html, name
        assert re.search(r"<title>[^<]+</title>", html), name
        assert re.search(r'<meta name="description" content="[^"]+">', html), name
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, name


def test_the_500_page_is_styled_and_needs_no_database():
    from mesoguide.errors import server_error

    response = server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'class="disclosure-banner"' in html


def test_article_page_shows_byline_dates_reading_time_contents_and_sources(client, site):
    html = client.get(site.get_absolute_url()).content.decode()
    assert "<h1>What mesotherapy is</h1>" in html
    assert 'href="/people/editorial-team/" rel="author">MesoGuide editorial team</a>' in html
    assert "Published <time" in html and "min read" in html
    assert 'aria-label="On this page"' in html and 'href="#what-it-is"' in html
    assert '<li id="fn-review">' in html
    assert "Reviewed by Casey Colleague on <time" in html  # the factories' named approver
    assert "Medically reviewed" not in html


def test_home_lists_the_guide_in_reading_order(client):
    first = factories.published_article(
        slug="b-first", title="First in order", topic=factories.topic(order=1)
    )
    factories.published_article(
        slug="a-second", title="Second in order", topic=factories.topic(order=2)
    )
    html = client.get("/").content.decode()
    assert html.index("First in order") < html.index("Second in order")
    assert first.live_revision.summary in html


def test_list_pages_that_do_not_exist_are_404(client, site):
    topic = site.topic.get_absolute_url()
    assert client.get(topic, {"page": 1}).status_code == 200
    assert client.get(topic, {"page": 2}).status_code == 404
    assert client.get(topic, {"page": "abc"}).status_code == 404


def test_each_search_landmark_on_the_search_page_has_its_own_name(client):
    html = client.get("/search/?q=bruising").content.decode()
    forms = re.findall(r"<form[^>]*\brole=\"search\"[^>]*>", html)
    assert len(forms) == 2, "the header's and the page's"
    names = [re.search(r'aria-label="([^"]+)"', form).group(1) for form in forms]
    assert len(set(names)) == 2, names
