"""Actions a person cannot take here and now are shown disabled with the
reason, from the same check() that refuses them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles import workflow
from tests import factories


def panel(client, article):
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    return html.split('class="workflow-panel"', 1)[1].split("</section>", 1)[0]


def test_editor_sees_approve_disabled_on_their_own_revision_with_the_reason(client, editor):
    article = factories.draft_article(user=editor)
    workflow.transition(article, workflow.SUBMIT, user=editor)
    client.force_login(editor)
    html = panel(client, article)
    assert 'disabled aria-describedby="why-approve">Approve</button>' in html
    assert "you wrote part of it or it appears under your byline" in html
    assert "another reviewer must approve it" in html
    # The same check refuses a crafted request, with the same words.
    with pytest.raises(PermissionDenied, match="you wrote part of it"):
        workflow.transition(article, workflow.APPROVE, user=editor)


def test_writer_reads_why_nothing_is_open_instead_of_a_bare_sentence(client, writer):
    article = factories.draft_article(user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    client.force_login(writer)
    html = panel(client, article)
    assert "No workflow action is open to you" not in html
    assert "No action is open to you now, and why" in html
    assert "there is no new draft to submit" in html
    assert "Only reviewers and editors approve or request changes." in html
    assert html.count("Only editors publish, schedule, unpublish or archive.") == 1  # said once
    assert html.count('aria-describedby="why-publish"') == 4  # for its four buttons


def test_open_actions_stay_forms_and_closed_ones_are_not_forms(client, editor, writer):
    article = factories.draft_article(user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    client.force_login(editor)
    html = panel(client, article)
    assert reverse("admin:articles_article_workflow", args=[article.pk, "approve"]) in html
    assert reverse("admin:articles_article_workflow", args=[article.pk, "publish"]) not in html
    assert "Only an approved revision can be published; revision 1 is in review." in html


def test_every_refusal_shown_is_the_one_the_action_gives(editor, writer):
    article = factories.draft_article(user=writer)
    for name, _label, reason in workflow.action_choices(article, writer):
        assert (reason is None) == (name in workflow.available_actions(article, writer))
        if reason:
            refusal = workflow.check(name, article, writer)
            assert refusal.reason == reason
