"""Medical reviewers are told when a guide article's text is approved, scheduled
or put live before any of them gave it a medical review: once per revision,
with a link to that revision's review screen, never about a site page, text
already reviewed, their own text or their own action."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Person
from articles.models import Kind as DocumentKind
from mesoguide.formats import shown_time
from notifications.models import Kind, MailPreference, Notification
from tests import factories
from tests.conftest import _user_in
from tests.test_import import make_content, run_import
from tests.test_medical_queue import attest_through

SITE = "https://guide.example"
UNREVIEWED = Kind.NO_MEDICAL_REVIEW


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def team(writer, medical_reviewer, editor, other_editor):
    for user in [writer, medical_reviewer, editor, other_editor]:
        user.email = f"{user.username}@example.org"
        user.save()
    return writer, medical_reviewer, editor, other_editor


@pytest.fixture
def writing_reviewer(db):
    """A dermatologist who writes guide articles and medically reviews colleagues' ones."""
    user = _user_in("Medical reviewer", "doctor")
    user.groups.add(Group.objects.get(name=workflow.WRITER))
    user.email = "doctor@example.org"
    user.save()
    Person.objects.create(slug="doctor-tester", name="Doctor Tester", credentials="MD", user=user)
    return user


@pytest.fixture
def other_medical_reviewer(db):
    """A second medical reviewer, who wrote none of the text."""
    user = _user_in("Medical reviewer", "reviewer2")
    Person.objects.create(
        slug="second-reviewer", name="Second Reviewer", credentials="MD", user=user
    )
    return user


def submitted(title, writer, kind=DocumentKind.ARTICLE):
    slug = title.lower().replace(" ", "-")
    article = factories.draft_article(slug=slug, title=title, kind=kind, user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    return article


def review_screen(article, number):
    return f"{reverse('admin:articles_article_review', args=[article.pk])}?revision={number}"


def told(user):
    """[(headline, link)] of `user`'s notifications of this kind, oldest first."""
    return [
        (n.headline, n.link)
        for n in Notification.objects.filter(recipient=user, kind=UNREVIEWED).order_by("id")
    ]


def mails_to(address):
    return [m for m in mail.outbox if address in m.to and "without a medical review" in m.subject]


def test_approval_tells_the_medical_reviewer_with_a_link_to_the_revision(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    headline = "Editor Tester approved “Wound care” (revision 1) without a medical review"
    assert told(reviewer) == [(headline, review_screen(article, 1))]
    [message] = mails_to("reviewer@example.org")
    assert message.subject == f"MesoGuide: {headline}"
    assert f"{SITE}{review_screen(article, 1)}\n" in message.body
    # Beside the editors' own notice of the approval, which keeps its key.
    assert Notification.objects.get(recipient=team[3], kind=Kind.APPROVED).key.startswith("event:")
    assert not told(writer) and not told(editor)


def test_not_told_about_own_text_nor_own_action(
    team, writing_reviewer, other_medical_reviewer, django_capture_on_commit_callbacks
):
    _, reviewer, editor, _ = team
    hers = submitted("Her text", writing_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(hers, workflow.APPROVE, user=editor)
    assert len(told(reviewer)) == len(told(other_medical_reviewer)) == 1
    assert not told(writing_reviewer)  # she wrote it: the review is refused to her

    theirs = submitted("Their text", team[0])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(theirs, workflow.APPROVE, user=reviewer)
    assert len(told(other_medical_reviewer)) == 2 and len(told(writing_reviewer)) == 1
    assert len(told(reviewer)) == 1  # the approver approved it without: not told


def test_approved_then_published_tells_once_a_new_revision_again(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, other_editor = team
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=other_editor)
    assert len(told(reviewer)) == 1 and len(mails_to("reviewer@example.org")) == 1

    workflow.save_draft(article, user=writer, title="Wound care", summary="S.", body="New words.")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    assert [link for _, link in told(reviewer)] == [
        review_screen(article, 1),
        review_screen(article, 2),
    ]


def test_text_already_medically_reviewed_tells_nobody(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, other_editor = team
    checked = submitted("Checked", writer)
    workflow.attest_medical_review(checked, checked.latest_revision, user=reviewer)
    unchecked = submitted("Unchecked", writer)
    with django_capture_on_commit_callbacks(execute=True):
        for article in (checked, unchecked):
            workflow.transition(article, workflow.APPROVE, user=editor)
            workflow.publish(article, user=other_editor)
    assert [headline for headline, _ in told(reviewer)] == [
        "Editor Tester approved “Unchecked” (revision 1) without a medical review"
    ]


def test_a_site_page_tells_nobody(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, other_editor = team
    page = submitted("Privacy", writer, kind=DocumentKind.PAGE)
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        for document in (page, article):
            workflow.transition(document, workflow.APPROVE, user=editor)
            workflow.publish(document, user=other_editor)
    assert [link for _, link in told(reviewer)] == [review_screen(article, 1)]


def approved_update(writer, reviewer):
    """A live, medically reviewed article whose revision 2 is approved without one
    (set up outside a captured block: those steps' notices are not sent)."""
    article = factories.published_article(slug="sched", title="Scheduled text")
    workflow.attest_medical_review(article, article.live_revision, user=reviewer)
    workflow.save_draft(article, user=writer, title="Scheduled text", summary="S.", body="New.")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    return factories.approve(article)


def test_scheduling_names_the_moment_and_going_live_does_not_repeat_it(
    team, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    article = approved_update(writer, reviewer)
    moment = timezone.now() + timezone.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=editor, at=moment)
    [(headline, link)] = told(reviewer)
    assert headline == (
        f"“Scheduled text” (revision 2) is scheduled for {shown_time(moment)} "
        "without a medical review"
    )
    assert "UTC" in headline and link == review_screen(article, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.publish_due(now=moment + timezone.timedelta(minutes=1)) == 1
    assert len(told(reviewer)) == 1 and len(mails_to("reviewer@example.org")) == 1


def test_going_live_at_its_moment_says_it_is_live(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    article = approved_update(writer, reviewer)
    moment = timezone.now() + timezone.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=editor, at=moment)
    # A medical reviewer who joined the desk after it was scheduled.
    newcomer = _user_in("Medical reviewer", "reviewer2")
    Person.objects.create(slug="newcomer", name="New Reviewer", credentials="MD", user=newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.publish_due(now=moment + timezone.timedelta(minutes=1)) == 1
    assert told(newcomer) == [
        (
            "“Scheduled text” (revision 2) is live without a medical review",
            review_screen(article, 2),
        )
    ]


def test_no_mail_once_switched_off_but_still_for_you(
    team, client, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, _ = team
    client.force_login(reviewer)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "Text is going to readers without a medical review" in page
    others = ["submitted", "changes_requested", "approved", "published", "review_due"]
    client.post(reverse("notification_settings"), {name: "on" for name in others})
    assert MailPreference.objects.get(user=reviewer).no_medical_review is False
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    assert not mails_to("reviewer@example.org")
    assert (
        "approved “Wound care” (revision 1) without"
        in client.get(reverse("for_you")).content.decode()
    )


def test_attesting_through_the_link_marks_it_read(team, client, django_capture_on_commit_callbacks):
    writer, reviewer, editor, other_editor = team
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
        workflow.publish(article, user=other_editor)
    client.force_login(reviewer)
    for_you = client.get(reverse("for_you")).content.decode()
    [link] = re.findall(r'<a href="([^"]+)">[^<]*without a medical review</a>', for_you)
    with django_capture_on_commit_callbacks(execute=True):
        after = attest_through(client, link.replace("&amp;", "&"))
    assert "Your medical review of revision 1 is recorded." in after
    assert Notification.objects.get(recipient=reviewer, kind=UNREVIEWED).read_at is not None


def test_a_failing_rule_undoes_nothing_and_stops_no_other_notice(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import signals

    def broken(event):
        raise RuntimeError("rule broke")

    monkeypatch.setattr(signals, "unreviewed_notice", broken)
    writer, reviewer, editor, other_editor = team
    article = submitted("Wound care", writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    article.refresh_from_db()
    assert article.latest_revision.state == "approved"
    assert Notification.objects.filter(recipient=other_editor, kind=Kind.APPROVED).exists()


def test_a_first_publication_scheduled_names_its_moment(team, django_capture_on_commit_callbacks):
    writer, reviewer, editor, _ = team
    article = submitted("Wound care", writer)
    factories.approve(article)
    moment = timezone.now() + timezone.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, user=editor, at=moment)
    assert told(reviewer) == [
        (
            f"“Wound care” (revision 1) is scheduled for {shown_time(moment)} "
            "without a medical review",
            review_screen(article, 1),
        )
    ]


def test_text_published_from_a_content_file_tells_them_too(
    team, tmp_path, django_capture_on_commit_callbacks
):
    _, reviewer, _, _ = team
    content = make_content(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(content)
    one = Article.objects.get(slug="one")  # published by the file; "two" stays a draft
    headline = "“One” (revision 1) is live without a medical review (published from a content file)"
    assert told(reviewer) == [(headline, review_screen(one, 1))]
    assert len(mails_to("reviewer@example.org")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        run_import(content)  # nothing changed: nobody is told again
    assert len(told(reviewer)) == 1


def test_a_content_file_published_for_a_later_day_names_that_day(
    team, tmp_path, django_capture_on_commit_callbacks
):
    _, reviewer, _, _ = team
    content = make_content(tmp_path)
    one = content / "articles" / "one.md"
    text = one.read_text().replace("published: 2026-01-10", "published: 2099-03-01")
    one.write_text(text.replace("updated: 2026-02-01", "updated: 2099-03-01"))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(content)
    article = Article.objects.get(slug="one")
    [(headline, _)] = told(reviewer)
    assert headline == (
        f"“One” (revision 1) is scheduled for {shown_time(article.publish_at)} without a "
        "medical review (published from a content file)"
    )


def test_telling_many_medical_reviewers_does_not_read_the_history_again_for_each(
    team, django_capture_on_commit_callbacks
):
    """The rule walks back through the text's unreviewed drafts to find its writers:
    once per approval, not once per medical reviewer (20 reviewers, 12 drafts)."""
    writer, _, editor, _ = team
    for number in range(19):
        user = _user_in("Medical reviewer", f"doctor{number}")
        Person.objects.create(
            slug=f"doctor-{number}", name=f"Doctor {number} Tester", credentials="MD", user=user
        )

    def queries_to_tell_them(drafts):
        article = factories.draft_article(slug=f"drafts-{drafts}", title="Many drafts", user=writer)
        for number in range(drafts - 1):
            workflow.save_draft(
                article, user=writer, title="Many drafts", summary="S.", body=f"{number}"
            )
        workflow.transition(article, workflow.SUBMIT, user=writer)
        with django_capture_on_commit_callbacks() as callbacks:
            workflow.transition(article, workflow.APPROVE, user=editor)
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        assert Notification.objects.filter(article=article, kind=UNREVIEWED).count() == 20
        return len(queries)

    assert queries_to_tell_them(12) == queries_to_tell_them(1)


def test_a_title_holding_line_breaks_adds_no_lines_to_the_mail(
    team, django_capture_on_commit_callbacks
):
    # The title field takes line breaks (a crafted form, a content file): in the
    # plain-text mail they could pass off a line as the site's own "Open it here".
    writer, reviewer, editor, _ = team
    title = "Wound care\r\n\r\nOpen it here:\nhttps://evil.example/login"
    article = factories.draft_article(slug="wound-care", title=title, user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    [message] = mails_to("reviewer@example.org")
    lines = message.body.splitlines()
    assert [line for line in lines if line.startswith("Open it here")] == ["Open it here:"]
    assert not [line for line in lines if line.startswith("https://evil")]
    assert lines[2] == (
        "Editor Tester approved “Wound care Open it here: https://evil.example/login” "
        "(revision 1) without a medical review."
    )
    [(headline, _)] = told(reviewer)
    assert "\n" not in headline and "\r" not in headline


def test_not_told_about_own_words_published_without_one_under_a_colleagues_edit(
    team, writing_reviewer, other_medical_reviewer, django_capture_on_commit_callbacks
):
    writer, reviewer, editor, other_editor = team
    article = submitted("Her text", writing_reviewer)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=other_editor)  # never medically reviewed
    live = Article.objects.get(pk=article.pk).live_revision
    workflow.save_draft(article, user=writer, title="Her text", summary="S.", body=live.body + ".")
    workflow.transition(article, workflow.SUBMIT, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, workflow.APPROVE, user=editor)
    assert [link for _, link in told(reviewer)] == [review_screen(article, 2)]
    assert len(told(other_medical_reviewer)) == 1
    assert not told(writing_reviewer)  # revision 2 is mostly her words, never medically read
