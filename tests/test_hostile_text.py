"""Control characters and NUL: refused where editors type, dropped where readers
type, and never able to break a feed, a sitemap or JSON-LD (SQLite and PostgreSQL)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.feedgenerator import SimplerXMLGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Topic
from discussion.models import Comment
from mesoguide.characters import unstorable_message, without_unstorable
from tests import factories
from tests.test_admin_workflow import change_url, form_data

pytestmark = pytest.mark.django_db

VERTICAL_TAB_TITLE = "Vertical\x0btab title"
# One of each kind the rule refuses: C0, DEL, C1, a noncharacter.
UNSTORABLE_SAMPLES = ["a\x00b", "a\x0bb", "a\x1bb", "a\x7fb", "a\x85b", "a\ufffeb"]


def parse_xml(response):
    return ET.fromstring(response.content)  # noqa: S314 (our own output, not untrusted input)


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize("feed", ["feed_rss", "feed_atom"])
def test_a_control_character_stored_before_cannot_break_the_feeds(client, feed):
    # Stored straight through the workflow, as rows saved before the entrances refused it.
    factories.published_article(slug="vt", title=VERTICAL_TAB_TITLE)
    response = client.get(reverse(feed))
    assert response.status_code == 200
    root = parse_xml(response)  # valid XML, or this raises
    titles = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
    assert "Verticaltab title" in titles


def test_json_ld_and_sitemap_stay_valid_with_control_characters_stored(client):
    article = factories.published_article(slug="vt", title=VERTICAL_TAB_TITLE)
    html = client.get(article.get_absolute_url()).content.decode()
    data = _json_ld(html)  # each block parses as JSON
    assert VERTICAL_TAB_TITLE in [block.get("headline") for block in data]
    parse_xml(client.get(reverse("sitemap")))
    parse_xml(client.get(reverse("sitemap-section", args=["articles"])))


@pytest.mark.parametrize("field", ["title", "summary", "body"])
@pytest.mark.parametrize("bad", UNSTORABLE_SAMPLES)
def test_the_article_editor_refuses_control_characters_naming_the_field(client, editor, field, bad):
    article = factories.draft_article(user=editor)
    client.force_login(editor)
    response = client.post(change_url(article), form_data(article, **{field: f"Start {bad}"}))
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'id="id_{field}_error"|class="errorlist[^"]*"[^>]*>.*?</ul>', html, re.S)
    assert errors, "no error shown"
    assert "invisible control character" in html and "U+" in html
    # Shown beside the field it names, with the editor's other text kept.
    field_row = html[html.index(f'name="{field}"') - 3000 : html.index(f'name="{field}"')]
    assert "invisible control character" in field_row
    assert article.revisions.count() == 1


def test_topics_people_partners_and_workflow_notes_refuse_control_characters(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_topic_add"), {"slug": "t", "title": VERTICAL_TAB_TITLE, "order": 1}
    )
    assert (
        response.status_code == 200 and "invisible control character" in response.content.decode()
    )
    assert not Topic.objects.filter(slug="t").exists()

    article = factories.draft_article(user=None)
    response = client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "submit"]),
        {"note": "see\x00this"},
        follow=True,
    )
    assert response.status_code == 200
    assert all("\x00" not in event.note for event in article.events.all())


def test_every_text_field_of_our_models_refuses_unstorable_characters():
    # The rule covers every entrance built on a model (admin forms, inlines,
    # model forms), so a new text field must carry it too.
    from django.apps import apps
    from django.db import models as m

    from mesoguide.characters import validate_storable

    ours = {"articles", "discussion", "newsletter", "partners", "discovery", "readership"}
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, m.CharField | m.TextField)
                and field.editable
                and not field.choices
                and not isinstance(field, m.SlugField | m.EmailField)
                # Set by code, never typed: import bookkeeping and the audit log's codes.
                and field.name not in {"source_path", "source_checksum", "origin"}
                and not (model._meta.label == "articles.ReviewEvent" and field.name != "note")
                and validate_storable not in field.validators
            ):
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_a_reader_comment_is_stored_without_control_characters_and_otherwise_exact(client, guide):
    data = {
        "name": "Ann\x00\x0b",
        "email": "",
        "body": "Good\x0b read\u202e, thanks\x00.",
        "website": "",
    }
    response = client.post(reverse("discussion:post", args=[guide.slug]), data)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == "Ann"
    assert comment.body == "Good read\u202e, thanks."  # right-to-left marks are the reader's


@pytest.mark.parametrize(
    "query",
    ["a\x00", "\x00", "bruising\x0b", "\u200bbruising", "a" * 5000, "%", "\\", "'\"", "\ufffe"],
)
def test_search_answers_any_query(client, guide, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200


def test_a_long_search_is_trimmed_and_still_searched(client):
    factories.published_article(slug="b", title="Bruising after mesotherapy")
    response = client.get(reverse("search"), {"q": "bruising " + "x" * 300})
    html = response.content.decode()
    assert "searched its beginning" in html
    assert "Bruising after mesotherapy" in html


@pytest.mark.parametrize(
    "path",
    [
        "/guide/a%00b/",
        "/topics/%0b/",
        "/newsletter/confirm/a%00b/",
        "/newsletter/unsubscribe/%0b%00/",
        "/search/?q=%00&page=%00",
        "/%00/",
    ],
)
def test_control_characters_in_urls_get_a_page_not_an_error(client, guide, path):
    assert client.get(path).status_code in {200, 400, 404}


def test_newsletter_signup_with_control_characters_is_refused_with_a_message(client):
    url = reverse("newsletter:subscribe")
    response = client.post(url, {"email": "a\x00@example.com", "website": ""})
    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in response.content.decode()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_text_the_rule_accepts_can_be_written_into_xml(text):
    # The refusal rule is exactly as strict as XML (the feeds) needs, never looser.
    if unstorable_message(text):
        return
    out = SimplerXMLGenerator(_Sink(), "utf-8")
    out.addQuickElement("title", text)  # raises on characters XML 1.0 refuses


@given(st.text(max_size=40))
def test_what_the_exits_drop_leaves_storable_text(text):
    assert unstorable_message(without_unstorable(text)) == ""


class _Sink:
    def write(self, data):
        pass


def test_articles_with_stored_control_characters_still_render_for_readers(client):
    article = factories.published_article(slug="vt", title=VERTICAL_TAB_TITLE)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Article.objects.published().filter(slug="vt").exists()


@pytest.mark.parametrize(
    "subject, text, expected",
    [
        ("News\x0b", "## News\n\nText.", "--subject: Contains an invisible control character"),
        ("News", "## News\n\nText\x00.", "issue.md:3: Contains an invisible control character"),
        ("News", "Intro.\n\n" + "* " * 500 + "a", "issue.md:3: Lists or quotes are nested"),
    ],
)
def test_a_newsletter_issue_with_hostile_text_is_refused_before_any_mail(
    tmp_path, settings, subject, text, expected
):
    from django.core import mail
    from django.core.management import CommandError, call_command

    from newsletter.models import Subscriber, SubscriberState

    settings.SITE_URL = "https://mesoguide.example"
    Subscriber.objects.create(email="yes@example.com", state=SubscriberState.CONFIRMED)
    issue = tmp_path / "issue.md"
    issue.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(expected)):
        call_command("send_newsletter", str(issue), subject=subject)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?q=a%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/reviewevent/?q=%00%0b",
        "/admin/discussion/comment/?q=%00",
        "/admin/articles/article/?topic__id__exact=%00",
    ],
)
def test_the_admins_search_and_filters_answer_control_characters(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code < 500


@pytest.mark.parametrize(
    "front, line, message",
    [
        ("status: [draft]", 7, "'status' must be text"),
        ("topic: [how-it-works]", 5, "'topic' must be text"),
        ("author: {a: 1}", 6, "'author' must be text"),
        ("title: 2026-02-03", 2, "'title' must be text"),
        ("title: [a, b]", 2, "'title' must be text"),
        ('title: ["a\\0b"]', 2, "'title' must be text"),
        ("title: !!binary AAsA", 2, "'title' must be text"),
        ("order: true", 10, "'order' must be a whole number"),
        ("order: 99999999999999999999999", 10, "'order' must be a whole number"),
        ("review_interval_months: 100000", 11, "'review_interval_months' must be a whole number"),
        ("published: 2026-13-45", 2, "invalid date"),
        ("title: 2026-02-30", 2, "invalid date"),
        ("title: " + "[" * 5000 + "]" * 5000, 2, "invalid YAML"),
    ],
)
def test_import_refuses_front_matter_of_the_wrong_kind_naming_the_line(
    tmp_path, front, line, message
):
    from django.core.management import CommandError

    from tests.test_import import run_import, write

    key = front.split(":", 1)[0]
    lines = {
        "title": "title: Fine",
        "slug": "slug: fine",
        "summary": "summary: A summary.",
        "topic": "topic: how-it-works",
        "author": "author: editorial-team",
        "status": "status: draft",
        "published": "published: 2026-01-10",
        "updated": "updated: 2026-02-01",
        "order": "order: 1",
        "review_interval_months": "review_interval_months: 12",
    }
    lines[key] = front
    write(tmp_path, "topics.yaml", "- slug: how-it-works\n  title: How it works\n")
    write(tmp_path, "people/e.md", "---\nname: Team\nslug: editorial-team\n---\nBio.\n")
    write(tmp_path, "articles/x.md", "---\n" + "\n".join(lines.values()) + "\n---\nBody.\n")
    with pytest.raises(CommandError) as error:
        run_import(tmp_path)
    assert f"x.md:{line}: " in str(error.value) and message in str(error.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "email",
    ['"a\x7fb"@example.com', '"\x0b"@example.com', "a@exa\u200bmple.com", "a\u3164@e.org"],
)
def test_email_addresses_with_invisible_characters_are_refused(client, guide, email):
    from newsletter.models import Subscriber

    response = client.post(reverse("newsletter:subscribe"), {"email": email, "website": ""})
    assert response.status_code == 400 and "Enter an email address" in response.content.decode()
    comment = {"name": "Ann", "email": email, "body": "Hello.", "website": ""}
    response = client.post(reverse("discussion:post", args=[guide.slug]), comment)
    assert response.status_code == 400
    assert not Subscriber.objects.exists() and not Comment.objects.exists()


def test_a_newsletter_subject_with_a_carriage_return_is_refused(tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.SITE_URL = "https://mesoguide.example"
    issue = tmp_path / "issue.md"
    issue.write_text("Text.", encoding="utf-8")
    with pytest.raises(CommandError, match="one line only"):
        call_command("send_newsletter", str(issue), subject="News\rBcc: x@evil.example")


def test_a_commenters_right_to_left_name_is_isolated_from_the_date(client, guide):
    Comment.objects.create(article=guide, name="Ann\u202e", body="Hi.", status="approved")
    html = client.get(guide.get_absolute_url()).content.decode()
    assert '<bdi class="comment-author">Ann\u202e</bdi>' in html
