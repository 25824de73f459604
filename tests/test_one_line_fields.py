"""Every one-line field is one line at every entrance, as titles are
(tests/test_one_line_titles.py): editors' text with a line break is refused,
naming the field; a reader's name has its line breaks folded into a space; and a
value stored before the rule can't start a line of its own in a plain-text mail
(where "Open it here: <address>" on a line would pass for ours)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, Person, Revision, Topic
from discussion.models import Comment
from images.models import Image
from mesoguide.characters import validate_one_line
from partners.models import AffiliatePartner
from tests import factories
from tests.test_admin_workflow import act
from tests.test_import import ARTICLE, make_content, run_import, write

pytestmark = pytest.mark.django_db

FAKE_LINE = "Open it here: https://evil.example/login"
# Line feed, carriage return, both, Unicode's line and paragraph separators.
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029"]
REFUSED = "Must be one line: it has a line break after"


def two_lines(first, line_break="\n"):
    return f"{first}{line_break}{FAKE_LINE}"


def assert_refused_beside(response, field, before):
    """The admin page came back with the one-line error in `field`'s own error list."""
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'<ul class="errorlist[^"]*" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert errors, f"no error shown for {field}"
    # The message quotes up to 20 characters before the break.
    assert f"{REFUSED} “{before[-20:]}”. Join the lines." in errors.group(1)


def no_line_of_its_own(text):
    lines = text.splitlines()  # breaks at \r, \u2028 ... as a mail reader may
    return not any(line.lstrip().startswith("Open it here: https://evil") for line in lines)


# --- Editors' text: refused in the admin, naming the field -----------------------------


@pytest.mark.parametrize("line_break", BREAKS)
def test_a_topic_title_on_two_lines_is_refused(client, editor, line_break):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_topic_add"),
        {"slug": "care", "title": two_lines("Care", line_break), "description": "", "order": 1},
    )
    assert_refused_beside(response, "title", "Care")
    assert not Topic.objects.filter(slug="care").exists()


@pytest.mark.parametrize("field", ["name", "role", "credentials"])
@pytest.mark.parametrize("line_break", ["\n", "\r", "\u2028"])
def test_a_persons_name_role_and_credentials_are_one_line(client, editor, field, line_break):
    client.force_login(editor)
    data = {"slug": "ann", "name": "Ann Lee", "role": "Writer", "credentials": "MD", "bio": ""}
    data[field] = two_lines(data[field], line_break)
    before = data[field].split(line_break)[0]
    response = client.post(reverse("admin:articles_person_add"), {**data, "user": ""})
    assert_refused_beside(response, field, before)
    assert not Person.objects.filter(slug="ann").exists()


@pytest.mark.parametrize("field", ["name", "disclosure"])
@pytest.mark.parametrize("line_break", ["\n", "\r", "\u2028"])
def test_a_partners_name_and_disclosure_are_one_line(client, editor, field, line_break):
    client.force_login(editor)
    data = {
        "name": "Clinic Finder",
        "slug": "clinic-finder",
        "domains": "partner.example",
        "disclosure": "We earn a commission.",
        "active_from": "2026-01-01",
        "active_until": "",
    }
    data[field] = two_lines(data[field], line_break)
    before = data[field].split(line_break)[0]
    response = client.post(reverse("admin:partners_affiliatepartner_add"), data)
    assert_refused_beside(response, field, before)
    assert not AffiliatePartner.objects.exists()


IMAGE_DETAILS = {
    "title": "Skin layers",
    "alt_text": "Layers of the skin.",
    "caption": "The skin.",
    "credit": "MesoGuide",
    "licence": "Original MesoGuide drawing",
}


@pytest.mark.parametrize("field", list(IMAGE_DETAILS))
@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\u2028"])
def test_an_images_details_are_one_line_when_uploaded(client, writer, field, line_break):
    client.force_login(writer)
    data = {**IMAGE_DETAILS, "slug": "skin-layers"}
    data[field] = two_lines(data[field], line_break)
    upload = SimpleUploadedFile("skin.png", factories.picture_bytes())
    response = client.post("/admin/images/image/add/", {**data, "upload": upload})
    assert_refused_beside(response, field, IMAGE_DETAILS[field])
    assert not Image.objects.exists()


def test_an_images_caption_is_one_line_when_its_details_change(client, editor):
    image = factories.library_image()
    client.force_login(editor)
    response = client.post(
        f"/admin/images/image/{image.pk}/change/",
        {**IMAGE_DETAILS, "caption": two_lines("The skin."), "opened_version": image.version},
    )
    assert_refused_beside(response, "caption", "The skin.")
    assert Image.objects.get(pk=image.pk).caption == "The layers of the skin."


@pytest.mark.parametrize("line_break", ["\n", "\r", "\u2029"])
def test_what_changed_on_publishing_is_one_line(client, editor, line_break):
    article = factories.draft_article(user=None, title="Wound care")
    factories.approve(article)
    client.force_login(editor)
    response = act(
        client,
        article,
        "publish",
        {"change_summary": two_lines("New dosage", line_break)},
        follow=True,
    )
    assert f"What changed: {REFUSED} “New dosage”" in response.content.decode()
    article.refresh_from_db()
    assert article.live_revision is None
    assert not Revision.objects.filter(change_summary__contains="evil").exists()


def test_every_one_line_field_of_our_models_refuses_a_line_break():
    # A model field carries the rule to every form built on it (admin, model forms).
    one_line_fields = {
        "articles.Topic": {"title"},
        "articles.Person": {"name", "role", "credentials"},
        "articles.Revision": {"title", "change_summary"},
        "articles.AutosavedText": {"title"},
        "images.Image": {"title", "alt_text", "caption", "credit", "licence"},
        "partners.AffiliatePartner": {"name", "disclosure"},
        "discussion.Comment": {"name"},
    }
    from django.apps import apps

    for label, names in one_line_fields.items():
        model = apps.get_model(label)
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, models.CharField)
            assert validate_one_line in field.validators, f"{label}.{name}"


# --- Content files: refused naming file and line ---------------------------------------


def test_a_content_files_topic_title_on_two_lines_is_refused(tmp_path):
    content = make_content(tmp_path)
    write(
        content,
        "topics.yaml",
        '- slug: how-it-works\n  title: "How it\\nworks"\n  description: Basics.\n',
    )
    with pytest.raises(CommandError) as error:
        run_import(content)
    assert f"topics.yaml:1: title: {REFUSED} “How it”" in str(error.value)
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    "field, written, before",
    [
        ("name", 'name: "Ann Lee\\rOpen it here"', "Ann Lee"),
        ("role", "role: |\n  Writer\n  Open it here", "Writer"),
        ("credentials", 'credentials: "MD\\u2028Open it here"', "MD"),
    ],
)
def test_a_content_files_person_on_two_lines_is_refused(tmp_path, field, written, before):
    content = make_content(tmp_path)
    write(
        content,
        "people/editorial-team.md",
        f"---\nslug: editorial-team\nname: Ann Lee\n{written}\n---\nWe write the guide.\n".replace(
            "name: Ann Lee\nname:", "name:"
        ),
    )
    with pytest.raises(CommandError) as error:
        run_import(content)
    line = 3 if field == "name" else 4
    assert f"editorial-team.md:{line}: {field}: {REFUSED} “{before}”" in str(error.value)
    assert not Person.objects.exists() and not Article.objects.exists()


def test_a_content_files_change_summary_on_two_lines_is_refused(tmp_path):
    content = make_content(tmp_path)
    path = content / "articles" / "one.md"
    path.write_text(
        ARTICLE.format(title="One", slug="one", status="published", line="x").replace(
            "order: 1", f'order: 1\nchange_summary: "New dosage\\n{FAKE_LINE}"'
        )
    )
    with pytest.raises(CommandError) as error:
        run_import(content)
    assert f"one.md:11: change_summary: {REFUSED} “New dosage”" in str(error.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "field, written", [("alt", 'alt: "Layers\\nOpen it here"'), ("credit", "credit: |\n  Me\n  Us")]
)
def test_a_content_files_image_details_on_two_lines_are_refused(tmp_path, field, written):
    content = make_content(tmp_path)
    (content / "images").mkdir()
    (content / "images/skin.png").write_bytes(factories.picture_bytes(640, 400))
    details = {
        "alt": "alt: Layers of the skin.",
        "credit": "credit: MesoGuide",
    }
    text = (
        "slug: skin\ntitle: Skin layers\nfile: skin.png\nalt: Layers of the skin.\n"
        "caption: The skin.\ncredit: MesoGuide\nlicence: Ours\n"
    ).replace(details[field], written)
    write(content, "images/skin.yaml", text)
    with pytest.raises(CommandError) as error:
        run_import(content)
    line = 4 if field == "alt" else 6
    assert f"skin.yaml:{line}: {field}: {REFUSED}" in str(error.value)
    assert not Image.objects.exists()


def test_a_content_files_alt_text_in_a_folded_block_still_imports(tmp_path):
    # YAML's ">" joins the lines and leaves one line break at the end, which the
    # import drops: alt text written so stays welcome.
    content = make_content(tmp_path)
    (content / "images").mkdir()
    (content / "images/skin.png").write_bytes(factories.picture_bytes(640, 400))
    write(
        content,
        "images/skin.yaml",
        "slug: skin\ntitle: Skin layers\nfile: skin.png\nalt: >\n  Layers of\n  the skin.\n"
        "caption: The skin.\ncredit: MesoGuide\nlicence: Ours\n",
    )
    run_import(content)
    assert Image.objects.get().alt_text == "Layers of the skin."


# --- Readers' text: line breaks folded into a space ------------------------------------


@pytest.mark.parametrize("line_break", BREAKS)
def test_a_readers_name_on_two_lines_is_stored_on_one(client, guide, line_break):
    data = {
        "name": two_lines("Ana", line_break),
        "email": "",
        "body": "Thank you.\nThis helped.",
        "website": "",
    }
    response = client.post(reverse("discussion:post", args=[guide.slug]), data)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == f"Ana {FAKE_LINE}"
    assert comment.body == "Thank you.\nThis helped."  # a comment's text keeps its lines


# --- Exits: a value stored before the rule stays on its line ---------------------------


@pytest.fixture
def team(settings, writer, medical_reviewer, editor, other_editor):
    settings.SITE_URL = "https://guide.example"
    for user in [writer, medical_reviewer, editor, other_editor]:
        user.email = f"{user.username}@example.org"
        user.save()
    return writer, medical_reviewer


def submitted(writer, django_capture_on_commit_callbacks):
    article = factories.draft_article(slug="wound-care", title="Wound care", user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.SUBMIT, user=as_stored(writer))
    return article


def as_stored(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("line_break", ["\n", "\r", "\u2028"])
def test_a_name_stored_before_stays_on_the_hello_line_of_a_notification(
    team, django_capture_on_commit_callbacks, line_break
):
    writer, reviewer = team
    get_user_model().objects.filter(pk=reviewer.pk).update(
        first_name=two_lines("Mia", line_break), last_name=""
    )
    submitted(writer, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if reviewer.email in m.to]
    assert f"Hello Mia {FAKE_LINE}," in message.body
    assert no_line_of_its_own(message.body)


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\u2029"])
def test_a_title_and_a_name_stored_before_stay_on_the_headline(
    team, django_capture_on_commit_callbacks, line_break
):
    writer, reviewer = team
    get_user_model().objects.filter(pk=writer.pk).update(
        first_name=two_lines("Wes", line_break), last_name=""
    )
    article = factories.draft_article(slug="wound-care", title="Wound care", user=writer)
    Revision.objects.filter(article=article).update(title=two_lines("Wound care", line_break))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            Article.objects.get(pk=article.pk), workflow.SUBMIT, user=as_stored(writer)
        )
    [message] = [m for m in mail.outbox if reviewer.email in m.to]
    assert no_line_of_its_own(message.body) and no_line_of_its_own(message.subject)
    assert f"Wes {FAKE_LINE} submitted “Wound care {FAKE_LINE}”" in message.body


def test_a_very_long_account_name_is_shortened_in_the_headline(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer = team
    get_user_model().objects.filter(pk=writer.pk).update(first_name="W" * 150, last_name="X" * 150)
    submitted(writer, django_capture_on_commit_callbacks)
    notification = reviewer.notifications.get()
    assert notification.headline.startswith("W" * 79 + "… submitted “Wound care” (revision 1)")
    [message] = [m for m in mail.outbox if reviewer.email in m.to]
    assert "“Wound care”" in message.subject


def test_a_name_stored_before_stays_on_the_hello_line_of_the_lock_out_mail(
    django_user_model, settings, mailoutbox
):
    settings.AXES_ENABLED = True
    user = django_user_model.objects.create_superuser(
        "boss", email="boss@example.org", password="the right password"
    )
    django_user_model.objects.filter(pk=user.pk).update(first_name=two_lines("Bo", "\u2028"))
    for n in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/admin/login/", {"username": "boss", "password": f"guess {n}"}
        )
    (message,) = mailoutbox
    assert f"Hello Bo {FAKE_LINE}," in message.body
    assert no_line_of_its_own(message.body)


def test_the_review_due_command_prints_a_stored_title_on_one_line(medical_reviewer):
    from django.utils import timezone

    article = factories.published_article(slug="due", title="Wound care")
    Revision.objects.filter(article=article).update(title=two_lines("Wound care", "\r"))
    Article.objects.filter(pk=article.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=1)
    )
    out = StringIO()
    call_command("review_due", stdout=out)
    assert no_line_of_its_own(out.getvalue())


@pytest.mark.parametrize(
    "text, folded",
    [
        ("One line", "One line"),
        ("Two\nlines", "Two lines"),
        ("Two\r\n\u2028 lines ", "Two lines"),
        ("", ""),
        (None, ""),
    ],
)
def test_one_line_folds_every_line_break(text, folded):
    from mesoguide.characters import one_line

    assert one_line(text) == folded


def test_a_name_in_a_line_is_cut_with_an_ellipsis():
    from mesoguide.characters import name_in_a_line

    assert name_in_a_line("Ann Lee") == "Ann Lee"
    assert name_in_a_line("A" * 300) == "A" * 79 + "…"
    assert len(name_in_a_line("A" * 300)) == 80
