"""The editors' screens: what each role is offered, and that the admin cannot bend the rules."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Person, RevisionState
from tests import factories

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def action_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def form_data(article, **text):
    latest = article.latest_revision
    return {
        "kind": article.kind,
        "slug": article.slug,
        "topic": article.topic_id or "",
        "author": article.author_id or "",
        "order": article.order,
        "review_interval_months": article.review_interval_months,
        "title": text.get("title", latest.title),
        "summary": text.get("summary", latest.summary),
        "body": text.get("body", latest.body),
        "based_on": text.get("based_on", latest.pk),
        "opened_version": article.version,
        "_continue": "1",
    }


def act(client, article, action, data=None, **options):
    """Press a workflow button on the page as it is now (with the version it shows)."""
    version = Article.objects.get(pk=article.pk).version
    return client.post(action_url(article, action), {"version": version, **(data or {})}, **options)


def test_writer_creates_an_article_as_a_draft_revision(client, writer):
    topic, person = factories.topic(), factories.person()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "kind": "article",
            "slug": "new-one",
            "topic": topic.pk,
            "author": person.pk,
            "order": 1,
            "review_interval_months": 12,
            "title": "A new article",
            "summary": "What it covers.",
            "body": "## Heading\n\nText.",
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="new-one")
    assert article.latest_revision.title == "A new article"
    assert article.latest_revision.created_by == writer
    assert article.live_revision is None
    assert client.get("/guide/new-one/", {"x": 1}).status_code in (200, 404)


@pytest.mark.parametrize(
    ("role", "state", "offered", "not_offered"),
    [
        ("writer", "draft", ["Submit for review"], ["Approve", "Publish", "Attest medical review"]),
        (
            "medical_reviewer",
            "in_review",
            ["Approve", "Request changes", "Attest medical review"],
            ["Publish", "Submit for review"],
        ),
        (
            "editor",
            "in_review",
            ["Approve", "Request changes"],
            ["Attest medical review", "Publish"],
        ),
        ("editor", "approved", ["Publish", "Archive"], ["Approve", "Unpublish"]),
        ("writer", "approved", [], ["Publish", "Approve"]),
    ],
)
def test_workflow_buttons_follow_role_and_state(
    client, request, other_writer, role, state, offered, not_offered
):
    user = request.getfixturevalue(role)
    article = factories.draft_article(user=other_writer)
    if state in {"in_review", "approved"}:
        workflow.transition(article, workflow.SUBMIT, user=other_writer)
    if state == "approved":
        factories.approve(article)
    client.force_login(user)
    html = client.get(change_url(article)).content.decode()
    panel = html.split('class="workflow-panel"', 1)[1].split("</section>", 1)[0]
    open_ = re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', panel)
    # What is not open is shown disabled, with the reason (never just missing).
    closed = re.findall(r"<button[^>]* disabled[^>]*>([^<]+)</button>", panel)
    for label in offered:
        assert label in open_, label
    for label in not_offered:
        assert label not in open_ and label in closed, label


def test_a_crafted_post_cannot_publish_for_a_writer(client, writer, other_writer):
    article = factories.draft_article(user=other_writer)
    workflow.transition(article, workflow.SUBMIT, user=other_writer)
    factories.approve(article)
    client.force_login(writer)
    response = act(client, article, "publish", follow=True)
    assert "Publish: not done" in response.content.decode()
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_the_whole_story_through_the_admin(client, writer, medical_reviewer, editor):
    article = factories.draft_article(user=writer, title="Story")
    client.force_login(writer)
    act(client, article, "submit")
    client.force_login(medical_reviewer)
    response = act(client, article, "request_changes", {"note": ""}, follow=True)
    assert "needs a note" in response.content.decode()
    act(client, article, "request_changes", {"note": "Add the trial."})
    assert (
        Article.objects.get(pk=article.pk).latest_revision.state == RevisionState.CHANGES_REQUESTED
    )

    client.force_login(writer)
    article.refresh_from_db()
    client.post(change_url(article), form_data(article, body="Now with the trial."))
    act(client, article, "submit")
    client.force_login(medical_reviewer)
    response = act(client, article, "approve", follow=True)
    assert "is approved" in response.content.decode()

    client.force_login(editor)
    response = act(
        client,
        article,
        "publish",
        {"change_summary": "First version.", "material": "on"},
        follow=True,
    )
    assert "readers see it now" in response.content.decode()
    client.logout()
    assert "Now with the trial." in client.get(article.get_absolute_url()).content.decode()
    live = Article.objects.get(pk=article.pk).live_revision
    assert live.change_summary == "First version." and live.change_is_material


def test_history_diff_and_restore(client, editor):
    article = factories.draft_article(user=editor, body="alpha words")
    workflow.save_draft(article, user=editor, title="t", summary="s", body="beta words")
    client.force_login(editor)
    history = client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert "Restore as new draft" in history and "edit" in history
    diff = client.get(
        reverse("admin:articles_article_diff", args=[article.pk]), {"from": 1, "to": 2}
    )
    assert "alpha" in diff.content.decode() and "beta" in diff.content.decode()
    article.refresh_from_db()
    restore_url = reverse("admin:articles_article_restore", args=[article.pk, 1])
    client.post(restore_url, {"version": article.version})
    latest = Article.objects.get(pk=article.pk).latest_revision
    assert latest.number == 3 and latest.body == "alpha words" and latest.origin == "restore"


def test_unsaved_preview_uses_the_reader_template_and_the_sanitizer(client, writer):
    article = factories.draft_article(user=writer)
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_preview", args=[article.pk]),
        {"title": "Preview title", "summary": "s", "body": "## Part\n\n<script>alert(1)</script>"},
    )
    html = response.content.decode()
    assert "Preview of unsaved text" in html and "Preview title" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'class="disclosure-banner"' in html
    assert "no-cache" in response["Cache-Control"]
    assert Article.objects.get(pk=article.pk).revisions.count() == 1


def test_unsaved_preview_of_a_new_article_shows_its_text(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_preview_new"),
        {"kind": "article", "title": "A new article", "summary": "s", "body": "First words."},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A new article" in html and "First words." in html
    assert not Article.objects.exists()


def test_medical_review_line_shows_only_for_the_attested_live_revision(
    client, writer, medical_reviewer, editor
):
    person = medical_reviewer.person
    article = factories.draft_article(user=writer, slug="reviewed")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.attest_medical_review(
        article, Article.objects.get(pk=article.pk).latest_revision, user=medical_reviewer
    )
    workflow.transition(article, workflow.APPROVE, user=medical_reviewer)
    workflow.publish(article, user=editor)
    html = client.get("/guide/reviewed/").content.decode()
    assert f"Medically reviewed by {person.name}, MD on" in html

    workflow.save_draft(article, user=writer, title="t", summary="s", body="new")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=editor)
    html = client.get("/guide/reviewed/").content.decode()
    assert "Medically reviewed" not in html
    assert "Reviewed by Editor Tester on" in html


def test_changelist_filters_by_state_and_review_due(client, editor):
    overdue = factories.published_article(slug="overdue", title="Overdue one")
    Article.objects.filter(pk=overdue.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=3)
    )
    factories.draft_article(slug="fresh", title="Fresh draft")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    html = client.get(url, {"review": "overdue"}).content.decode()
    assert "Overdue one" in html and "Fresh draft" not in html
    html = client.get(url, {"state": "draft"}).content.decode()
    assert "Fresh draft" in html and "Overdue one" not in html
    assert "Overdue since" in client.get(url).content.decode()


def test_dashboard_and_review_due_command_list_overdue_articles(client, editor, medical_reviewer):
    article = factories.published_article(slug="due", title="Due for review")
    Article.objects.filter(pk=article.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=1)
    )
    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Due for review" in index and "overdue since" in index
    assert "Editors’ guide" in index
    assert "Four eyes" in client.get(reverse("editors_guide")).content.decode()

    medical_reviewer.email = "reviewer@example.org"
    medical_reviewer.save()
    from io import StringIO

    out = StringIO()
    call_command("review_due", "--email", stdout=out)
    assert "Due for review" in out.getvalue()
    assert mail.outbox and mail.outbox[0].to == ["reviewer@example.org"]


def test_published_articles_cannot_be_deleted(client, editor):
    article = factories.published_article()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_readers_of_the_admin_need_staff_rights(client):
    article = factories.draft_article()
    response = client.get(change_url(article))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_writers_cannot_change_the_byline_of_a_live_article(client, writer):
    article = factories.published_article()
    other = Person.objects.create(slug="someone-else", name="Someone Else")
    client.force_login(writer)
    data = form_data(article, body="Edited text.")
    data["author"] = other.pk
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.author.slug == "editorial-team"
    assert article.latest_revision.body == "Edited text."


def test_admin_pages_carry_the_sites_icon(client, editor):
    client.force_login(editor)
    for url in (reverse("admin:index"), reverse("admin:articles_article_changelist")):
        html = client.get(url).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, url
        assert "MesoGuide" in html  # still Django's admin, with our header
