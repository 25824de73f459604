"""The trust pages (about, corrections, editorial process) claim only what the
software enforces. Every sentence of theirs about the workflow is listed here
with the check that would fail if the code let it be false; a new sentence
about reviewing, approving, publishing or scheduling fails the walk until it
is listed with its check (or, if it is not about the software, as such)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Article, ReviewEvent, RevisionState, Status
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ("about", "corrections", "editorial-process")
WORKFLOW_WORDS = re.compile(
    r"\b(review\w*|approv\w*|publish\w*|schedul\w*|four.eyes|attest\w*|archiv\w*|record\w*|log)\b",
    re.IGNORECASE,
)


def sentences(slug):
    text = (Path(settings.CONTENT_DIR) / "pages" / f"{slug}.md").read_text().split("---", 2)[2]
    for line in text.splitlines():
        line = re.sub(r"^[-#]+\s*", "", line.strip())
        yield from (s for s in re.split(r"(?<=[.!?:])\s+(?=[A-Z\"*])", line) if s)


# --- The checks: each runs the real workflow as the claim's people would ------------


def draft_by(user, **fields):
    return factories.draft_article(user=user, **fields)


def four_eyes(people):
    """Nobody approves text they wrote, editors included, nor a draft a
    colleague touched up on top of theirs."""
    for author in (people["writer"], people["editor"]):
        article = draft_by(author)
        workflow.transition(article, workflow.SUBMIT, user=author)
        if author.has_perm("articles.review_article"):
            with pytest.raises(PermissionDenied):
                workflow.transition(article, workflow.APPROVE, user=author)
    article = draft_by(people["editor"])
    workflow.save_draft(article, user=people["other_editor"], title="t", summary="s", body="b")
    workflow.transition(article, workflow.SUBMIT, user=people["other_editor"])
    with pytest.raises(PermissionDenied):
        workflow.transition(article, workflow.APPROVE, user=people["editor"])


def review_before_publishing(people):
    """No revision goes live from the editorial system before it is approved."""
    article = draft_by(people["writer"])
    for step in (None, workflow.SUBMIT):
        if step:
            workflow.transition(article, step, user=people["writer"])
        with pytest.raises(ValidationError):
            workflow.publish(article, user=people["editor"])
    workflow.transition(
        article, workflow.REQUEST_CHANGES, user=people["medical_reviewer"], note="Fix"
    )
    with pytest.raises(ValidationError):
        workflow.publish(article, user=people["editor"])
    assert not Article.objects.published().filter(pk=article.pk).exists()


def only_editors_publish(people):
    article = factories.approve(draft_by(people["writer"]))
    for user in (people["writer"], people["medical_reviewer"]):
        for action in (workflow.publish, workflow.unpublish, workflow.archive):
            with pytest.raises(PermissionDenied):
                action(article, user=user)


def reviewers_choose(people):
    """A reviewer requests changes (with a note) or approves; back and forth as needed."""
    article = draft_by(people["writer"])
    workflow.transition(article, workflow.SUBMIT, user=people["writer"])
    with pytest.raises(ValidationError):
        workflow.transition(article, workflow.REQUEST_CHANGES, user=people["editor"], note=" ")
    workflow.transition(article, workflow.REQUEST_CHANGES, user=people["editor"], note="Fix")
    workflow.transition(article, workflow.SUBMIT, user=people["writer"])
    workflow.transition(article, workflow.APPROVE, user=people["medical_reviewer"])
    assert Article.objects.get(pk=article.pk).latest_revision.state == RevisionState.APPROVED


def editors_publish_now_or_scheduled_and_take_down(people):
    article = factories.approve(draft_by(people["writer"], slug="claim-schedule"))
    workflow.publish(
        article, user=people["editor"], at=timezone.now() + timezone.timedelta(hours=1)
    )
    assert Client().get("/guide/claim-schedule/").status_code == 404
    workflow.publish(article, user=people["editor"])
    assert Client().get("/guide/claim-schedule/").status_code == 200
    workflow.unpublish(article, user=people["editor"])
    assert Client().get("/guide/claim-schedule/").status_code == 404
    workflow.archive(article, user=people["editor"])
    assert Article.objects.get(pk=article.pk).status == Status.ARCHIVED


def live_text_waits_for_review(people):
    """An edit of a live article is a draft; readers keep the approved text;
    its place in the guide changes only by an editor."""
    article = factories.published_article(slug="claim-live", title="Approved title")
    workflow.save_draft(article, user=people["writer"], title="Unreviewed", summary="s", body="b")
    html = Client().get("/guide/claim-live/").content.decode()
    assert "Approved title" in html and "Unreviewed" not in html
    with pytest.raises(PermissionDenied):
        workflow.change_placement(article, {"order": 9}, user=people["writer"])


def every_step_recorded(people):
    article = draft_by(people["writer"])
    workflow.transition(article, workflow.SUBMIT, user=people["writer"])
    workflow.transition(article, workflow.REQUEST_CHANGES, user=people["editor"], note="Why?")
    events = list(ReviewEvent.objects.filter(article=article).order_by("id"))
    assert [e.action for e in events] == ["edit", "submit", "request_changes"]
    last = events[-1]
    assert last.actor == people["editor"] and last.note == "Why?"
    assert last.revision == article.latest_revision and last.created_at


def review_lines_tell_the_truth(people):
    """ "Reviewed by" only from a named approver who did not write it; otherwise
    "not yet reviewed"; "Medically reviewed by" only for the attested live version."""
    article = draft_by(people["writer"], slug="claim-lines")
    workflow.transition(article, workflow.SUBMIT, user=people["writer"])
    workflow.attest_medical_review(
        article, article.latest_revision, user=people["medical_reviewer"]
    )
    workflow.transition(article, workflow.APPROVE, user=people["editor"])
    workflow.publish(article, user=people["editor"])
    html = Client().get("/guide/claim-lines/").content.decode()
    assert "Reviewed by Editor Tester on" in html
    assert "Medically reviewed by Reviewer Tester, MD on" in html
    factories.revise_and_publish(article, title="Later edit")
    html = Client().get("/guide/claim-lines/").content.decode()
    assert "Medically reviewed" not in html  # the attestation covered the earlier version


def content_files_go_live_unreviewed_and_say_so(people):
    call_command("import_content", stdout=open("/dev/null", "w"))
    for article in Article.objects.published().guide_articles():
        assert article.live_revision.approved_by is None
        assert article.events.filter(action="publish_without_review").exists()
        html = Client().get(article.get_absolute_url()).content.decode()
        assert "Not yet reviewed by a second editor" in html
        assert "Reviewed by" not in html and "Medically reviewed" not in html


def review_dates(people):
    article = factories.approve_and_publish(draft_by(people["writer"], review_interval_months=12))
    article.refresh_from_db()
    assert article.review_due_at == workflow.months_after(article.last_reviewed_at, 12)
    call_command("import_content", stdout=open("/dev/null", "w"))
    imported = Article.objects.published().guide_articles().exclude(pk=article.pk).first()
    assert imported.last_reviewed_at is None
    assert imported.review_due_at <= timezone.now()  # never reviewed: due at once


def change_log_lists_published_versions(people):
    article = factories.published_article(slug="claim-log")
    factories.revise_and_publish(
        article, title="Fixed", change_summary="Fixed a figure.", material=True
    )
    factories.revise_and_publish(article, title="Typo", change_summary="Typo.")
    html = Client().get("/guide/claim-log/changes/").content.decode()
    assert "Fixed a figure." in html and "Typo." in html
    assert "aterial" in html and "inor" in html


CLAIMS = {
    "about": {
        "Every article written in our editorial system is reviewed by someone other than": [
            four_eyes,
            review_before_publishing,
            review_lines_tell_the_truth,
        ],
        "Our launch articles were loaded from our files without that second review": [
            content_files_go_live_unreviewed_and_say_so
        ],
        "They do not carry a medical-review label.": [content_files_go_live_unreviewed_and_say_so],
        "If a qualified medical reviewer checks an article in future": [
            review_lines_tell_the_truth
        ],
        "We also follow a fixed set of steps to draft, review, publish": [review_before_publishing],
        "including our rule that nobody can approve their own writing": [four_eyes],
        "When we get something wrong, we fix it and record important changes.": [
            change_log_lists_published_versions
        ],
    },
    "corrections": {
        "every change made in our editorial system is reviewed by someone other than": [
            four_eyes,
            review_before_publishing,
        ],
        "The fix is made in a new draft, reviewed by someone who did not write it": [
            live_text_waits_for_review,
            four_eyes,
            only_editors_publish,
        ],
        'we record it in the article\'s "What changed" log': [change_log_lists_published_versions],
        "still shows that a new version was published and marks the change as minor": [
            change_log_lists_published_versions
        ],
    },
    "editorial-process": {
        "our publishing software makes these steps happen in this order": [
            review_before_publishing,
            four_eyes,
            only_editors_publish,
        ],
        "The one exception is text that the site's operator loads": [
            content_files_go_live_unreviewed_and_say_so
        ],
        "the writer submits it for review": [reviewers_choose],
        "Someone else reviews it": [four_eyes],
        "A reviewer then reads the draft.": [reviewers_choose],
        "A reviewer is either an **Editor** or a **Medical reviewer**.": [reviewers_choose],
        "The reviewer has two choices": [reviewers_choose],
        "The reviewer writes a note explaining what needs to change": [reviewers_choose],
        "The reviewer is satisfied and approves the draft.": [reviewers_choose],
        "A draft can go back and forth several times": [reviewers_choose],
        "The four-eyes rule": [four_eyes],
        "Nobody can approve text they wrote themselves.": [four_eyes],
        "must have looked at every version written in our editorial system": [four_eyes],
        "blocks the writer from approving their own work": [four_eyes],
        "An Editor publishes it": [only_editors_publish],
        "Approval alone does not put an article on the site.": [only_editors_publish],
        "Only an Editor can publish.": [only_editors_publish],
        "publish an approved article straight away, or schedule it": [
            editors_publish_now_or_scheduled_and_take_down
        ],
        "They can **unpublish** it": [editors_publish_now_or_scheduled_and_take_down],
        "the software does not change the live page directly": [live_text_waits_for_review],
        "That new draft goes through the same steps as before": [
            review_before_publishing,
            four_eyes,
            only_editors_publish,
        ],
        "readers keep seeing the last approved version": [live_text_waits_for_review],
        "Every step is recorded": [every_step_recorded],
        "Each step leaves a record.": [every_step_recorded],
        "We log who did it, when they did it, which version": [every_step_recorded],
        "Medical review": [review_lines_tell_the_truth],
        "A Medical reviewer can attest a specific version": [review_lines_tell_the_truth],
        'Only when that happens does the article show a line saying "Medically reviewed by"': [
            review_lines_tell_the_truth
        ],
        "it makes no medical-review claim": [review_lines_tell_the_truth],
        'the page says "Reviewed by" with that person\'s name': [review_lines_tell_the_truth],
        "Otherwise it says plainly that it has not been reviewed yet.": [
            content_files_go_live_unreviewed_and_say_so
        ],
        "A medical review covers the exact version that was checked": [review_lines_tell_the_truth],
        "At launch, our articles were loaded from our content files without a second review": [
            content_files_go_live_unreviewed_and_say_so
        ],
        "so our articles do not carry a medical-review claim": [
            content_files_go_live_unreviewed_and_say_so
        ],
        "Every article has a review date.": [review_dates],
        "By default it is 12 months after the last approval": [review_dates],
        "Any update goes through the same review and publishing steps": [
            review_before_publishing,
            live_text_waits_for_review,
        ],
        'The "What changed" log': [change_log_lists_published_versions],
        'Each article has a public "What changed" log.': [change_log_lists_published_versions],
        "It lists the published versions of the article, with their dates.": [
            change_log_lists_published_versions
        ],
        "You can use this log to see how an article has changed over time.": [
            change_log_lists_published_versions
        ],
    },
}

# Sentences with a workflow word that make no claim about the software.
NOT_ABOUT_THE_WORKFLOW = (
    "We build each article from published research",
    "Partners cannot see our articles before they are published",  # the advertiser pages' matter
    "We do not publish an email address.",
    "Our editors will read it and will not publish it.",
    "even if the comment itself is never published",
    "We aim to review correction reports within a few working days.",
    "ask a second reviewer to look at it",
)


@pytest.fixture
def people(writer, editor, other_editor, medical_reviewer):
    return {
        "writer": writer,
        "editor": editor,
        "other_editor": other_editor,
        "medical_reviewer": medical_reviewer,
    }


@pytest.mark.parametrize("slug", PAGES)
def test_every_workflow_sentence_of_the_page_has_a_check(slug):
    known = [*CLAIMS[slug], *NOT_ABOUT_THE_WORKFLOW]
    unchecked = [
        sentence
        for sentence in sentences(slug)
        if WORKFLOW_WORDS.search(sentence) and not any(k in sentence for k in known)
    ]
    assert unchecked == [], f"{slug}: claims with no check in tests/test_trust_pages.py"
    text = " ".join(sentences(slug))
    for claim in CLAIMS[slug]:
        assert claim in text, f"{slug} no longer says: {claim}"


CHECKS = sorted(
    {check for page in CLAIMS.values() for checks in page.values() for check in checks},
    key=lambda check: check.__name__,
)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_the_software_keeps_the_claim(check, people):
    check(people)


def test_the_home_page_makes_no_review_claim_the_launch_content_would_break(client):
    call_command("import_content", stdout=open("/dev/null", "w"))
    html = client.get("/").content.decode()
    assert "every article is reviewed before it goes live" not in html.lower()
    assert "every article says who reviewed it, or that it has not been reviewed yet" in html
