"""'My work' on the admin index: what waits on each person, with counts that
agree with the lists they link to."""

import re

from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from discussion.models import Comment
from tests import factories


def dashboard(client):
    html = client.get(reverse("admin:index")).content.decode()
    section = html.split('id="my-work-heading"', 1)[1].split("</section>", 1)[0]
    return {
        label: (int(count), href.replace("&amp;", "&"))
        for href, label, count in re.findall(
            r'<h3><a href="([^"]+)">([^<:]+): <span class="work-count">(\d+)</span></a></h3>',
            section,
        )
    }, section


def rows_at(client, href):
    response = client.get(href)
    assert response.status_code == 200
    return len(response.context["cl"].result_list), response.content.decode()


def build_desk(writer, other_writer, reviewer, editor):
    """One article in each place of the workflow."""
    mine = factories.draft_article(slug="mine", title="My own draft", user=writer)
    factories.draft_article(slug="theirs", title="Someone else's draft", user=other_writer)
    returned = factories.draft_article(slug="returned", title="Sent back", user=writer)
    workflow.transition(returned, workflow.SUBMIT, user=writer)
    workflow.transition(
        returned, workflow.REQUEST_CHANGES, user=reviewer, note="Name the study you cite."
    )
    waiting = factories.draft_article(slug="waiting", title="Waiting for review", user=writer)
    workflow.transition(waiting, workflow.SUBMIT, user=writer)
    approved = factories.draft_article(slug="approved", title="Approved one", user=writer)
    workflow.transition(approved, workflow.SUBMIT, user=writer)
    workflow.transition(approved, workflow.APPROVE, user=reviewer)
    later = factories.draft_article(slug="later", title="Goes live later")
    factories.approve_and_publish(later, at=timezone.now() + timezone.timedelta(days=3))
    overdue = factories.published_article(slug="overdue", title="Overdue one")
    Article.objects.filter(pk=overdue.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=2)
    )
    due = factories.published_article(slug="due", title="Due soon")
    Article.objects.filter(pk=due.pk).update(
        review_due_at=timezone.now() + timezone.timedelta(days=5)
    )
    Comment.objects.create(article=due, name="Dee", body="Is this safe in pregnancy?")
    return mine


def test_editor_sees_approved_work_and_comments_instead_of_nothing_waiting(
    client, writer, other_writer, medical_reviewer, editor
):
    build_desk(writer, other_writer, medical_reviewer, editor)
    client.force_login(editor)
    counts, section = dashboard(client)
    assert "Nothing is waiting" not in section
    assert counts["Approved, ready to publish"][0] == 1
    assert counts["Reader comments to moderate"][0] == 1
    assert counts["Waiting for my review"][0] == 1
    assert counts["Scheduled"][0] == 1
    assert counts["Periodic reviews overdue"][0] == 1
    assert "Approved one" in section and "Overdue one" in section


def test_every_count_agrees_with_the_list_it_links_to(
    client, writer, other_writer, medical_reviewer, editor
):
    build_desk(writer, other_writer, medical_reviewer, editor)
    for user in (writer, medical_reviewer, editor):
        client.force_login(user)
        counts, _ = dashboard(client)
        assert counts
        for label, (count, href) in counts.items():
            if label == "Reader comments to moderate":
                response = client.get(href)
                shown = len(response.context["cl"].result_list)
            else:
                shown, _ = rows_at(client, href)
            assert shown == count, f"{user}: {label} says {count}, its list shows {shown}"


def test_writer_sees_own_drafts_and_what_came_back_with_the_note(
    client, writer, other_writer, medical_reviewer, editor
):
    build_desk(writer, other_writer, medical_reviewer, editor)
    client.force_login(writer)
    counts, section = dashboard(client)
    assert counts["My drafts"][0] == 1
    assert counts["Returned to me with a note"][0] == 1
    assert "Name the study you cite." in section
    # A writer's queues only: no review, publishing or moderation.
    assert "Waiting for my review" not in counts and "Scheduled" not in counts
    assert "Reader comments to moderate" not in counts
    _, html = rows_at(client, counts["My drafts"][1])
    assert "My own draft" in html and "Someone else" not in html


def test_nothing_waiting_says_so(client, editor):
    client.force_login(editor)
    counts, section = dashboard(client)
    assert set(c for c, _ in counts.values()) == {0}
    assert "Nothing is waiting on you." in section


def test_reviewer_is_not_asked_to_review_their_own_text(client, editor, writer):
    article = factories.draft_article(slug="own", title="Own text", user=editor)
    workflow.transition(article, workflow.SUBMIT, user=editor)
    client.force_login(editor)
    counts, _ = dashboard(client)
    assert counts["Waiting for my review"][0] == 0


def test_medical_reviewers_are_not_asked_to_review_site_pages(client, writer, medical_reviewer):
    from articles.models import Kind

    page = factories.draft_article(slug="privacy", title="Privacy", kind=Kind.PAGE, user=writer)
    workflow.transition(page, workflow.SUBMIT, user=writer)
    article = factories.draft_article(slug="guide", title="Guide text", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    # Not yet medically reviewed: it waits in that queue (the review screen has
    # both buttons), and comes to "Waiting for my review" once attested.
    assert counts["Needs medical review"][0] == 1
    shown, html = rows_at(client, counts["Needs medical review"][1])
    assert shown == 1 and "Guide text" in html
    workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    counts, section = dashboard(client)
    assert counts["Waiting for my review"][0] == 1
    shown, html = rows_at(client, counts["Waiting for my review"][1])
    assert shown == 1 and "Guide text" in html
