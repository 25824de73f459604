"""Migration 0004 reads who approved what from the audit log: approvals by the
import ("system", no person) were no review, so those articles become honestly
unreviewed; approvals by named people are kept."""

from importlib import import_module

import pytest
from django.apps import apps

from articles.models import Article, ReviewEvent, Revision
from tests import factories

pytestmark = pytest.mark.django_db
migration = import_module("articles.migrations.0004_versions_reviews_and_schedules")


def test_system_approvals_become_unreviewed_and_named_approvals_stay(editor):
    by_system = factories.published_article(slug="by-system")
    by_person = factories.published_article(slug="by-person")
    # As the old import recorded it: an approve event with no actor.
    Revision.objects.filter(article=by_system).update(approved_by=None, approved_at=None)
    ReviewEvent.objects.filter(article=by_system, action="approve").update(actor=None)
    Revision.objects.filter(article=by_person).update(approved_by=None, approved_at=None)

    migration.approvals_from_the_audit_log(apps, None)

    system, person = Article.objects.get(slug="by-system"), Article.objects.get(slug="by-person")
    assert system.live_revision.approved_by is None and system.last_reviewed_at is None
    assert system.review_due_at == system.first_published_at  # due at once
    assert person.live_revision.approved_by == factories.colleague()
    assert person.last_reviewed_at is not None
