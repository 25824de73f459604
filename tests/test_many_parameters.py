"""Queries with more values than PostgreSQL takes parameters in one statement.

Parameters are bound by the server on PostgreSQL (settings.py), and a statement
takes at most 65,535 of them: Django must split a bulk update, a lookup of many
ids and a deletion's collection of related rows into statements under that, as
it does for SQLite's limit. Otherwise an operator's command over many rows fails
where the same work did with the values inlined. (Bulk inserts of plain values
go as one array a column, whatever the rows.)
"""

import pytest
from django.utils import timezone

from articles.models import Article
from newsletter.models import Subscriber, SubscriberState

pytestmark = pytest.mark.django_db

# Over the 65,535 parameters a PostgreSQL statement can take.
MANY = 70_000


def test_looking_up_more_ids_than_a_statement_takes_is_split():
    article = Article.objects.create(slug="kept")
    found = Article.objects.in_bulk([article.pk, *range(10**9, 10**9 + MANY)])
    assert list(found) == [article.pk]


def test_a_bulk_update_of_several_fields_of_many_rows_is_split():
    # Each row takes two parameters per field (its id and the value) and one more
    # (its id among those updated): five for two fields.
    rows = MANY // 5 + 1
    Subscriber.objects.bulk_create(Subscriber(email=f"reader{n}@example.org") for n in range(rows))
    subscribers = list(Subscriber.objects.all())
    moment = timezone.now()
    for subscriber in subscribers:
        subscriber.state, subscriber.confirmed_at = SubscriberState.CONFIRMED, moment
    assert Subscriber.objects.bulk_update(subscribers, ["state", "confirmed_at"]) == rows
    assert Subscriber.objects.filter(state=SubscriberState.CONFIRMED).count() == rows
