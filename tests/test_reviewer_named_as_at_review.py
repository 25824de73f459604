"""A review line names the reviewer as they were when they reviewed: renaming a
profile later does not change who readers are told checked the text."""

import pytest
from django.test import Client

from articles import workflow
from articles.models import Article, Person
from tests import factories

pytestmark = pytest.mark.django_db


def test_renaming_the_reviewers_profile_later_leaves_the_review_line_as_it_was(
    writer, medical_reviewer, editor
):
    article = factories.draft_article(slug="renamed-reviewer", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    revision = Article.objects.get(pk=article.pk).latest_revision
    workflow.attest_medical_review(article, revision, user=medical_reviewer)
    workflow.publish(article, user=editor)

    Person.objects.filter(user=medical_reviewer).update(name="Walter Writer", credentials="BSc")
    html = Client().get("/guide/renamed-reviewer/").content.decode()
    assert "Reviewed by Reviewer Tester" in html
    assert "Medically reviewed by Reviewer Tester, MD" in html
    assert "Walter Writer" not in html
