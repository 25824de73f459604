"""Each article has a public "What changed" log of its published revisions."""

import pytest
from django.urls import reverse

from articles import workflow
from tests import factories

pytestmark = pytest.mark.django_db


def changes_url(article):
    return reverse("article_changes", args=[article.slug])


def test_change_log_lists_published_revisions_newest_first(client, guide):
    factories.revise_and_publish(guide, title="Second", change_summary="Fixed a typo.")
    factories.revise_and_publish(
        guide, title="Third", change_summary="New evidence on side effects.", material=True
    )
    html = client.get(changes_url(guide)).content.decode()
    third, second, first = (
        html.index("New evidence on side effects."),
        html.index("Fixed a typo."),
        html.index("First published."),
    )
    assert third < second < first
    assert html.count('class="change-kind material"') == 1
    assert html.count('class="change-kind minor"') == 1
    assert html.count('class="change-kind first"') == 1
    kind_of_first = html[html.rindex('class="change-kind', 0, first) : first]
    assert "First publication" in kind_of_first and "Minor change" not in kind_of_first
    assert "the version you see now" in html[third - 400 : third]


def test_change_log_never_shows_unpublished_revisions(client, guide, editor):
    workflow.save_draft(guide, user=editor, title="Draft", summary="s", body="Draft body.")
    guide.refresh_from_db()
    workflow.system_approve(guide, guide.latest_revision, note="approved, not yet published")
    html = client.get(changes_url(guide)).content.decode()
    assert html.count('class="change"') == 1


def test_article_links_to_its_change_log(client, guide):
    html = client.get(guide.get_absolute_url()).content.decode()
    assert f'<a href="{changes_url(guide)}">What changed</a>' in html


def test_change_log_404s_for_articles_readers_cannot_see(client):
    for article in factories.hidden_articles():
        assert client.get(changes_url(article)).status_code == 404
