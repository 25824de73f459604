"""The home page rebuilt from kept parts follows every change to what its cards show.

Each topic's list is kept with the home page (views._home_guide) and each
process renders a card once for what it shows (articles/home_lists.py): a
publication, a new live text, an unpublication or a scheduled moment must
still show on the next rebuild.
"""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles import home_lists, workflow
from articles.models import Revision, Topic
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_rebuilt_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def cards(html):
    return html.count('class="card"')


def test_a_new_live_revision_shows_on_its_card_at_once(client):
    article = factories.published_article(slug="kept", title="The first title")
    assert "The first title" in home(client)  # its card rendered, its list kept
    factories.revise_and_publish(article, title="A clearer title")
    html = home(client)
    assert "A clearer title" in html and "The first title" not in html
    assert "Summary of A clearer title." in html


def test_a_live_text_corrected_in_place_shows_on_its_card_at_once(client):
    article = factories.published_article(slug="kept", title="The first title")
    assert "Summary of The first title." in home(client)
    # The same revision, saved again (as the admin saves a live revision's review
    # details): its card is the same article and revision, with new words.
    revision = Revision.objects.get(pk=article.live_revision_id)
    revision.summary = "A summary put right."
    revision.save()
    html = home(client)
    assert "A summary put right." in html and "Summary of The first title." not in html


def test_an_unpublished_articles_card_disappears_and_the_others_stay(client):
    topic = factories.topic(title="First steps")
    gone = factories.published_article(slug="gone", title="Soon unpublished", topic=topic)
    factories.published_article(slug="stays", title="Still here", topic=topic)
    assert cards(home(client)) == 2
    workflow.unpublish(gone, user=None)
    html = home(client)
    assert "Soon unpublished" not in html and "Still here" in html and cards(html) == 1


def test_scheduled_moments_show_on_the_home_page_when_they_come(client, monkeypatch):
    now = timezone.now()
    topic = factories.topic(title="First steps")
    factories.published_article(slug="stays", title="Always there", topic=topic)
    coming = factories.draft_article(slug="coming", title="Published later", topic=topic)
    factories.approve_and_publish(coming, at=now + timedelta(hours=1))
    leaving = factories.draft_article(slug="leaving", title="Leaves soon", topic=topic)
    factories.approve_and_publish(
        leaving, at=now - timedelta(days=1), until=now + timedelta(hours=2)
    )
    html = home(client)  # every list and card kept
    assert "Leaves soon" in html and "Published later" not in html
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=1, minutes=1))
    html = home(client)
    assert "Leaves soon" in html and "Published later" in html and cards(html) == 3
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2, minutes=1))
    html = home(client)
    assert "Leaves soon" not in html and "Published later" in html and cards(html) == 2


def test_after_a_publication_the_next_scheduled_change_is_worked_out_once(
    client, django_assert_num_queries
):
    # The home page's own part and the topic's list are stored together
    # (pagecache/parts.py): one lifetime for both.
    first = factories.topic(title="First steps")
    factories.published_article(slug="kept", title="Kept", topic=first)
    newcomer = factories.draft_article(slug="new", title="Newly published", topic=first)
    home(client)  # every part kept
    factories.approve_and_publish(newcomer, at=timezone.now() - timedelta(days=1))
    # Whether a scheduled moment is due (the publication made the site forget the
    # next one), the topics, the topic's first articles, the next scheduled change.
    with django_assert_num_queries(4):
        assert "Newly published" in home(client)


def test_the_compiled_list_query_shows_exactly_what_published_shows():
    # home_lists compiles its query once per process (articles/compiled.py),
    # with the moment as a parameter: the rows must be the queryset's own.
    now = timezone.now()
    hidden = factories.hidden_articles()
    shown = factories.published_article(slug="shown", title="Shown", topic=hidden[0].topic)
    for moment in (now, now + timedelta(hours=2)):  # "Secret future" is published by then
        for topic in Topic.objects.all():
            rows = home_lists._first_articles.rows(now=moment, topic_id=topic.pk)
            assert rows == list(home_lists.first_articles(moment, topic.pk)), topic
    listed = {
        row[1]
        for topic in Topic.objects.all()
        for row in home_lists._first_articles.rows(now=now, topic_id=topic.pk)
    }
    assert listed == {shown.slug}
    assert isinstance(
        home_lists._first_articles.rows(now=now, topic_id=shown.topic_id)[0][2], datetime
    )
