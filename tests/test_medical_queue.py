"""'Needs medical review' in My work: a guide article approved, scheduled or
put live before a medical reviewer got to it stays in front of the medical
reviewers until one of them attests it, and never in front of its own writer."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import workflow
from articles.models import Article, Kind, Person
from tests import factories
from tests.test_my_work import dashboard, rows_at

QUEUE = "Needs medical review"


@pytest.fixture
def other_medical_reviewer(medical_reviewer):
    from tests.conftest import _user_in

    user = _user_in("Medical reviewer", "reviewer2")
    Person.objects.create(
        slug="second-reviewer", name="Second Reviewer", credentials="MD", user=user
    )
    return user


@pytest.fixture
def writing_reviewer(db):
    """A dermatologist who writes guide articles and medically reviews colleagues' ones."""
    from tests.conftest import _user_in

    user = _user_in("Medical reviewer", "doctor")
    user.groups.add(Group.objects.get(name=workflow.WRITER))
    Person.objects.create(slug="doctor-tester", name="Doctor Tester", credentials="MD", user=user)
    return user


def approved_without_medical_review(slug, title, user):
    """A guide article written by `user`, submitted and approved by an editor."""
    article = factories.draft_article(slug=slug, title=title, user=user)
    workflow.transition(article, workflow.SUBMIT, user=user)
    factories.approve(article)
    return article


def entries(section):
    """{title: (link, words)} of the queue's articles on the dashboard."""
    queue = section.split(f">{QUEUE}: ", 1)[1].split("</li>\n", 1)[0]
    return {
        title: (href.replace("&amp;", "&"), words)
        for href, title, words in re.findall(r'<li><a href="([^"]+)">([^<]+)</a>: ([^<]+)', queue)
    }


def attest_through(client, link):
    """Open the entry's review screen and press its enabled Attest button."""
    screen = client.get(link)
    assert screen.status_code == 200
    html = screen.content.decode()
    form_action = re.search(r'formaction="([^"]*medical_review[^"]*)"', html)
    assert form_action, "no enabled Attest medical review button on the linked screen"
    revision = re.search(r'name="revision" value="(\d+)"', html)
    article = screen.context["article"]
    data = {"version": article.version, "_screen": "review", "note": ""}
    if revision:
        data["revision"] = revision.group(1)
    response = client.post(form_action.group(1), data)
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_approved_article_waits_for_a_medical_reviewer_not_for_its_writer(
    client, writing_reviewer, medical_reviewer
):
    approved_without_medical_review("approved", "Approved unchecked", writing_reviewer)
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 1
    link, words = entries(section)["Approved unchecked"]
    assert words == "revision 1, approved, not medically reviewed"

    client.force_login(writing_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 0
    assert "Approved unchecked" not in section


def test_it_leaves_the_queue_once_attested(
    client, writer, medical_reviewer, other_medical_reviewer
):
    article = approved_without_medical_review("approved", "Approved unchecked", writer)
    workflow.publish(article, user=factories.colleague())
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    link, words = entries(section)["Approved unchecked"]
    assert words == "revision 1, live, not medically reviewed"
    after = attest_through(client, link)
    assert "Your medical review of revision 1 is recorded." in after
    for user in (medical_reviewer, other_medical_reviewer):
        client.force_login(user)
        counts, section = dashboard(client)
        assert counts[QUEUE][0] == 0 and "Approved unchecked" not in section
    # Readers are told now.
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Medically reviewed by Reviewer Tester, MD" in page


def test_a_live_revision_with_a_newer_draft_is_reviewed_on_its_own_screen(
    client, writer, medical_reviewer
):
    """The live text lacks a medical review while a writer drafts the next one:
    the queue names the live revision and its link attests that one, not the draft."""
    article = factories.published_article(slug="live", title="Live unchecked")
    workflow.save_draft(article, user=writer, title="Next draft", summary="S.", body="Text.")
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 1
    link, words = entries(section)["Next draft"]
    assert words == "revision 1, live, not medically reviewed"
    screen = client.get(link).content.decode()
    # Only the medical review is given here: the note isn't asked for a send-back.
    assert "Note (kept with your medical review in the history)" in screen
    assert "needed to request changes" not in screen
    attest_through(client, link)
    article.refresh_from_db()
    assert article.live_revision.medically_reviewed_by == medical_reviewer
    assert article.latest_revision.medically_reviewed_at is None
    counts, _ = dashboard(client)
    assert counts[QUEUE][0] == 0


def test_a_scheduled_revision_waits_until_attested(client, writer, medical_reviewer):
    article = factories.published_article(slug="sched", title="First text")
    workflow.attest_medical_review(article, article.live_revision, user=medical_reviewer)
    article.refresh_from_db()
    workflow.save_draft(article, user=writer, title="Second text", summary="S.", body="Text.")
    factories.approve_and_publish(article, at=timezone.now() + timezone.timedelta(days=2))
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 1
    _, words = entries(section)["Second text"]
    assert re.fullmatch(r"revision 2, scheduled for .+ UTC, not medically reviewed", words), words


def test_site_pages_never_wait_for_a_medical_review(client, writer, medical_reviewer):
    page = factories.draft_article(slug="privacy", title="Privacy", kind=Kind.PAGE, user=writer)
    workflow.transition(page, workflow.SUBMIT, user=writer)
    factories.approve_and_publish(page)
    other = factories.draft_article(slug="terms", title="Terms", kind=Kind.PAGE, user=writer)
    workflow.transition(other, workflow.SUBMIT, user=writer)
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 0
    shown, html = rows_at(client, counts[QUEUE][1])
    assert shown == 0 and "Privacy" not in html and "Terms" not in html


def test_the_count_is_the_list_it_links_to(client, writer, medical_reviewer, writing_reviewer):
    approved_without_medical_review("a", "Approved one", writer)
    approved_without_medical_review("b", "Own approved", writing_reviewer)  # hers: left out
    factories.published_article(slug="c", title="Live one")
    in_review = factories.draft_article(slug="d", title="In review one", user=writer)
    workflow.transition(in_review, workflow.SUBMIT, user=writer)
    checked = factories.published_article(slug="e", title="Checked one")
    workflow.attest_medical_review(checked, checked.live_revision, user=medical_reviewer)
    factories.published_article(slug="f", title="Retired one")
    workflow.archive(Article.objects.get(slug="f"), user=None)
    client.force_login(writing_reviewer)
    counts, section = dashboard(client)
    count, href = counts[QUEUE]
    shown, html = rows_at(client, href)
    assert count == shown == 3
    assert set(entries(section)) == {"Approved one", "Live one", "In review one"}
    for title in ("Own approved", "Checked one", "Retired one"):
        assert title not in html


def test_a_writing_reviewer_is_asked_about_colleagues_text_only(client, writer, writing_reviewer):
    """She wrote revision 2 (approved); revision 1, live, is a colleague's: she may
    review that one, and is shown it, never her own."""
    article = factories.published_article(slug="mixed", title="Colleague's text")
    workflow.save_draft(article, user=writing_reviewer, title="Her text", summary="S.", body="T.")
    workflow.transition(article, workflow.SUBMIT, user=writing_reviewer)
    factories.approve(article)
    mine = approved_without_medical_review("mine", "Only hers", writing_reviewer)
    client.force_login(writing_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 1
    link, words = entries(section)["Her text"]
    assert words == "revision 1, live, not medically reviewed"
    assert "Only hers" not in section
    shown, html = rows_at(client, counts[QUEUE][1])
    assert shown == 1 and "Her text" in html and "Only hers" not in html
    # The button on the linked screen agrees: her own revision is refused there.
    refusal = workflow.check("medical_review", mine, writing_reviewer)
    assert refusal is not None and refusal.denied


def test_text_in_review_is_listed_once_and_moves_on_once_attested(client, writer, medical_reviewer):
    """Submitted text waits in Needs medical review (its review screen has both
    buttons), not also in Waiting for my review; once attested it waits there
    for approval."""
    article = factories.draft_article(slug="guide", title="Guide text", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    client.force_login(medical_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 1 and counts["Waiting for my review"][0] == 0
    link, words = entries(section)["Guide text"]
    assert words == "revision 1, in review, not medically reviewed"
    attest_through(client, link)
    counts, _ = dashboard(client)
    assert counts[QUEUE][0] == 0 and counts["Waiting for my review"][0] == 1


def test_text_brought_back_by_a_restore_is_still_its_writers(client, writer, writing_reviewer):
    """Her live text, restored by a colleague as a new revision and approved: the
    button refuses her (she wrote it), so the queue does not list it either."""
    article = factories.draft_article(slug="restored", title="Her words", user=writing_reviewer)
    workflow.transition(article, workflow.SUBMIT, user=writing_reviewer)
    factories.approve_and_publish(article)
    workflow.save_draft(article, user=writer, title="Other words", summary="S.", body="Other.")
    article.refresh_from_db()
    workflow.restore(article, article.live_revision, user=writer)
    factories.approve(article)
    article.refresh_from_db()
    assert workflow.check("medical_review", article, writing_reviewer).denied
    client.force_login(writing_reviewer)
    counts, section = dashboard(client)
    assert counts[QUEUE][0] == 0 and "Her words" not in section


@pytest.mark.parametrize("number", ["²", "١", "99999999999999999999", "-1", "x"])
def test_a_revision_number_that_is_no_number_is_a_404_or_a_form_error_not_a_500(
    client, writer, medical_reviewer, number
):
    article = approved_without_medical_review("odd-number", "Odd number", writer)
    client.force_login(medical_reviewer)
    review = f"/admin/articles/article/{article.pk}/review/"
    assert client.get(review, {"revision": number}).status_code == 404
    data = {"version": article.version, "_screen": "review", "note": "", "revision": number}
    response = client.post(f"/admin/articles/article/{article.pk}/workflow/medical_review/", data)
    assert response.status_code in (200, 302)
    if number != "١":  # Django's form reads Arabic-Indic "١" as 1, the revision it names
        article.refresh_from_db()
        assert article.latest_revision.medically_reviewed_at is None


def test_the_dashboard_checks_only_the_articles_it_shows_however_many_wait(
    writer, writing_reviewer, monkeypatch
):
    """A guide of thousands of live articles nobody has medically reviewed: the queue
    is counted in the database, and the rule is run one by one only for the few
    articles shown (checking all 10,000 one by one, then sorting them with their
    texts, took the admin index over a second)."""
    from articles import medical_queue
    from articles.my_work import SHOWN_PER_QUEUE, my_work

    checked = []
    real = medical_queue.waiting_revision
    monkeypatch.setattr(
        medical_queue,
        "waiting_revision",
        lambda article, *args: checked.append(article.pk) or real(article, *args),
    )
    for i in range(SHOWN_PER_QUEUE + 10):
        factories.published_article(slug=f"many-{i}", title=f"Many {i}", user=writer)
    summary = {s.label: s for s in my_work(writing_reviewer)}
    assert summary[QUEUE].count == SHOWN_PER_QUEUE + 10
    assert len(summary[QUEUE].items) == SHOWN_PER_QUEUE
    assert len(checked) == SHOWN_PER_QUEUE


@pytest.mark.parametrize("superseded_by", ["a newer live revision", "a newer draft"])
def test_text_no_reader_will_see_is_not_medically_reviewed(
    client, writer, medical_reviewer, superseded_by
):
    """A revision replaced before its medical review (an older live one, or an
    approved one a writer has since redrafted) never reaches readers: its review
    screen says so with the button off, and a crafted POST records nothing."""
    if superseded_by == "a newer live revision":
        article = factories.published_article(slug="old", title="Old text")
        factories.revise_and_publish(article, title="New text")
    else:
        article = approved_without_medical_review("old", "Old text", writer)
        workflow.save_draft(article, user=writer, title="New text", summary="S.", body="Text.")
    article.refresh_from_db()
    client.force_login(medical_reviewer)
    screen = client.get(f"/admin/articles/article/{article.pk}/review/", {"revision": 1})
    html = screen.content.decode()
    assert "Revision 1 is no longer on its way to readers" in html
    assert not re.search(r'<button[^>]*formaction="[^"]*medical_review', html)
    data = {"version": article.version, "_screen": "review", "note": "", "revision": 1}
    response = client.post(f"/admin/articles/article/{article.pk}/workflow/medical_review/", data)
    shown = client.get(response.url).content.decode()
    assert "Attest medical review: not done. Revision 1 is no longer on its way" in shown
    assert article.revisions.get(number=1).medically_reviewed_at is None


def test_from_the_queues_list_the_article_page_leads_to_the_revision_to_review(
    client, writer, medical_reviewer
):
    """Past the dashboard's first few, the queue is the article list (?work=medical),
    whose rows open the article's page. With a draft over the unreviewed live text,
    that page's Attest button is for the draft (closed): it must link to the live
    revision's review screen, or the live text can't be attested from there."""
    article = factories.published_article(slug="live", title="Live unchecked")
    workflow.save_draft(article, user=writer, title="Next draft", summary="S.", body="Text.")
    client.force_login(medical_reviewer)
    listed = client.get("/admin/articles/article/", {"work": "medical"}).content.decode()
    change = f"/admin/articles/article/{article.pk}/change/"
    assert change in listed
    page = client.get(change).content.decode()
    link = f"/admin/articles/article/{article.pk}/review/?revision=1"
    assert f'<a href="{link}">Give the medical review of revision 1 (live)</a>' in page
    after = attest_through(client, link)
    assert "Your medical review of revision 1 is recorded." in after
    page = client.get(change).content.decode()
    assert "Give the medical review" not in page
