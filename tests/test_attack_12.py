"""Attacks on the editors' workspace (issue 12): what a hostile or careless colleague could do."""

import pytest
from django.core import mail
from django.urls import reverse

from articles import workflow
from tests import factories


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://guide.example"


@pytest.fixture
def team(writer, medical_reviewer, editor, other_editor):
    for user in [writer, medical_reviewer, editor, other_editor]:
        user.email = f"{user.username}@example.org"
        user.save()
    return writer, medical_reviewer, editor, other_editor


def test_a_title_with_a_line_break_does_not_stop_the_mails(
    team, client, django_capture_on_commit_callbacks
):
    writer, *_ = team
    article = factories.draft_article(title="Wound\r\ncare\nBcc: x@evil.example", user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        message.message()  # the headers can be written
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "x@evil.example" not in message.recipients()


def test_someone_who_left_the_team_is_not_sent_unpublished_notes(
    team, django_capture_on_commit_callbacks
):
    """A writer whose staff access was removed (or who lost their role) still wrote the
    text: they must not get the reviewer's note and quote of an unpublished draft."""
    writer, reviewer, editor, _ = team
    article = factories.draft_article(title="Wound care", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    writer.is_staff = False
    writer.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article, workflow.REQUEST_CHANGES, user=reviewer, note="The dose is wrong."
        )
    assert mail.outbox == []
    from notifications.models import Notification

    assert not Notification.objects.filter(recipient=writer).exists()


def test_someone_without_a_role_any_more_is_not_sent_unpublished_notes(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    article = factories.draft_article(title="Wound care", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    writer.groups.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article, workflow.REQUEST_CHANGES, user=reviewer, note="The dose is wrong."
        )
    assert mail.outbox == []


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "١"])
def test_compare_with_odd_revision_numbers_explains_instead_of_failing(client, editor, value):
    article = factories.draft_article(title="Wound care", user=editor)
    client.force_login(editor)
    for parameter in ["from", "to"]:
        response = client.get(
            reverse("admin:articles_article_diff", args=[article.pk]), {parameter: value}
        )
        assert response.status_code == 302


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_marking_an_odd_notification_id_read_is_a_not_found(client, editor, value):
    client.force_login(editor)
    response = client.post(reverse("for_you"), {"id": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_an_odd_article_id_is_a_not_found(client, editor, value):
    client.force_login(editor)
    for screen in ["change", "history"]:
        response = client.get(f"/admin/articles/article/{value}/{screen}/")
        assert response.status_code in (302, 404)


HOSTILE_TITLE = (
    "<img src=x onerror=alert(1)>\"'><script>alert(2)</script><a href=javascript:alert(3)>x"
)


def _hostile_markup(html):
    """What an attacker would want in an admin page: script they wrote, an event
    attribute, or a javascript: address. Returns the offending pieces."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(f"{tag} {name}")
                if (
                    name in {"href", "src", "action", "formaction", "xlink:href"}
                    and value
                    and "javascript:" in value.replace(" ", "").lower()
                ):
                    found.append(f"{tag} {name}={value}")
            if tag == "script" and not dict(attrs).get("src"):
                found.append("inline script")

    Parser().feed(html)
    return found


def test_hostile_titles_notes_and_quotes_stay_text_on_every_new_screen(
    team, client, django_capture_on_commit_callbacks
):
    from tests.e2e.xss_corpus import load_vectors

    writer, reviewer, editor, _ = team
    from articles.rendering import MarkdownRefused, render_markdown

    accepted = []
    for vector in load_vectors():
        try:
            render_markdown(vector.text)
        except (MarkdownRefused, ValueError):
            continue
        accepted.append(vector.text)
    body = "\n\n".join(accepted)
    article = factories.draft_article(title=HOSTILE_TITLE, user=writer, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            article,
            workflow.REQUEST_CHANGES,
            user=reviewer,
            note=HOSTILE_TITLE,
            quote="<script>alert(2)</script>",
        )
    workflow.save_draft(
        article, user=writer, title=HOSTILE_TITLE, summary=HOSTILE_TITLE, body=body + "\n\nMore."
    )
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_autosave", args=[article.pk]),
        {"title": HOSTILE_TITLE, "summary": HOSTILE_TITLE, "body": HOSTILE_TITLE},
    )
    pk = article.pk
    pages = {
        writer: [
            reverse("for_you"),
            reverse("admin:index"),
            reverse("admin:articles_article_change", args=[pk]),
            reverse("admin:articles_article_change", args=[pk]) + "?restore-autosave",
            reverse("admin:articles_article_history", args=[pk]),
            reverse("admin:articles_article_review", args=[pk]),
            reverse("admin:articles_article_diff", args=[pk]) + "?from=1",
            reverse("admin:articles_article_diff", args=[pk]) + "?from=1&view=source",
            reverse("admin:articles_article_changelist") + "?q=alert",
        ],
        editor: [reverse("admin:index"), reverse("for_you")],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert _hostile_markup(response.content.decode()) == [], url
    for message in mail.outbox:
        assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])


def test_every_new_form_refuses_a_post_without_the_token(writer, medical_reviewer):
    from django.test import Client

    article = factories.draft_article(title="Wound care", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(writer)
    text = {"title": "T", "summary": "S", "body": "B"}
    for url, data in [
        (reverse("admin:articles_article_autosave", args=[article.pk]), text),
        (reverse("admin:articles_article_autosave_new"), text),
        (reverse("admin:articles_article_autosave_discard", args=[article.pk]), {}),
        (reverse("for_you"), {"all": "1"}),
        (reverse("notification_settings"), {}),
    ]:
        assert forged.post(url, data).status_code == 403, url
    forged.force_login(medical_reviewer)
    url = reverse("admin:articles_article_workflow", args=[article.pk, "request_changes"])
    assert forged.post(url, {"note": "n", "version": article.version}).status_code == 403
    from articles.models import AutosavedText

    assert not AutosavedText.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["\x00", "'", "!!(&|", "-", "a" * 5000, "word " * 2000, "%_\\", "or or or"],
)
def test_hostile_admin_searches_answer_with_a_list(client, editor, query):
    factories.published_article(title="Wound care")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"), {"q": query})
    assert response.status_code == 200
    # A lone surrogate and a NUL as the browser sends them, percent-encoded.
    for raw in ["%ED%A0%80", "%00", "%FF%FE"]:
        url = reverse("admin:articles_article_changelist") + "?q=" + raw
        assert client.get(url).status_code == 200


def test_waiting_for_my_review_leaves_out_text_i_helped_write(client, writer, other_editor):
    """other_editor wrote revision 1, the writer revision 2 and submitted it: other_editor
    may not approve it (four eyes), so it is not 'waiting for their review'."""
    from articles.models import Article
    from articles.my_work import waiting_for_my_review

    article = factories.draft_article(title="Wound care", user=other_editor)
    workflow.save_draft(article, user=writer, title="Wound care", summary="S.", body="New text.")
    article.refresh_from_db()
    workflow.transition(article, workflow.SUBMIT, user=writer)
    reasons = dict(
        (name, reason) for name, _label, reason in workflow.action_choices(article, other_editor)
    )
    assert reasons["approve"] is not None  # they really cannot approve it
    waiting = waiting_for_my_review(Article.objects.all(), other_editor, None)
    assert article not in waiting
    client.force_login(other_editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Nothing is waiting for your review." in html


def test_submitting_does_not_ask_a_co_writer_to_review(team, django_capture_on_commit_callbacks):
    """An editor who wrote part of the text cannot approve it: they are not asked to."""
    writer, reviewer, editor, other_editor = team
    article = factories.draft_article(title="Wound care", user=editor)
    workflow.save_draft(article, user=writer, title="Wound care", summary="S.", body="New text.")
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=writer)
    told = sorted(a for m in mail.outbox for a in m.to)
    assert told == ["editor2@example.org", "reviewer@example.org"]


@pytest.mark.parametrize("field", ["opened_version", "based_on"])
def test_an_autosave_with_an_enormous_number_is_refused_naming_the_field(client, writer, field):
    article = factories.draft_article(title="Wound care", user=writer)
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_autosave", args=[article.pk]),
        {"title": "T", "summary": "S", "body": "B", field: "99999999999999999999"},
    )
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert field in response.json()["errors"]


def test_a_site_page_cannot_take_an_address_the_site_itself_uses(client, editor):
    """A page titled "Search" would get /search/, where readers get the search
    results: the page could never be read. Made from the title it gets another
    address; typed by hand it is refused naming the field."""
    from articles.models import Article
    from tests.test_editor_comforts import add

    client.force_login(editor)
    inline = {"chosen_related-TOTAL_FORMS": 0, "chosen_related-INITIAL_FORMS": 0}
    response = add(client, kind="page", title="Search", topic="", author="", **inline)
    assert response.status_code == 302
    page = Article.objects.get(kind="page")
    assert page.slug != "search"
    assert client.get(page.get_absolute_url()).status_code in (200, 404)  # its own view
    response = add(
        client, kind="page", title="Admin help", slug="admin", topic="", author="", **inline
    )
    assert response.status_code == 200
    assert "already used by the site" in response.content.decode()
    assert not Article.objects.filter(slug="admin").exists()
