"""Article pages describe themselves to search engines and social apps truthfully."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from articles import workflow
from articles.models import Person, Revision
from tests import factories

pytestmark = pytest.mark.django_db


def json_ld(html):
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
        )
    ]


def of_type(html, kind):
    return next(block for block in json_ld(html) if block["@type"] == kind)


def test_article_json_ld_describes_the_page(client, guide):
    page = of_type(client.get(guide.get_absolute_url()).content.decode(), "MedicalWebPage")
    assert page["@context"] == "https://schema.org"
    assert page["headline"] == "What mesotherapy is"
    assert page["description"] == guide.live_revision.summary
    assert page["url"] == f"http://testserver{guide.get_absolute_url()}"
    assert page["author"] == {
        "@type": "Person",
        "name": "MesoGuide editorial team",
        "url": "http://testserver/people/editorial-team/",
    }
    assert page["publisher"]["name"] == "MesoGuide"
    assert page["datePublished"] == guide.first_published_at.isoformat()
    assert page["dateModified"] == guide.last_published_at.isoformat()


def test_review_fields_are_absent_without_a_medical_review(client, guide):
    page = of_type(client.get(guide.get_absolute_url()).content.decode(), "MedicalWebPage")
    assert "lastReviewed" not in page and "reviewedBy" not in page


def test_review_fields_come_from_the_attested_medical_review(
    client, medical_reviewer, editor, writer
):
    Person.objects.filter(user=medical_reviewer).update(slug="dr-r", name="Dr R. Example")
    article = factories.draft_article(slug="reviewed", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=editor)
    article.refresh_from_db()
    page = of_type(client.get(article.get_absolute_url()).content.decode(), "MedicalWebPage")
    reviewed_at = article.live_revision.medically_reviewed_at
    assert page["lastReviewed"] == reviewed_at.date().isoformat()
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr R. Example",
        "url": "http://testserver/people/dr-r/",
        "honorificSuffix": "MD",
    }


def test_breadcrumb_list_matches_the_visible_breadcrumbs(client, guide):
    html = client.get(guide.get_absolute_url()).content.decode()
    crumbs = of_type(html, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", "http://testserver/"),
        (2, guide.topic.title, f"http://testserver{guide.topic.get_absolute_url()}"),
        (3, "What mesotherapy is", f"http://testserver{guide.get_absolute_url()}"),
    ]
    assert 'aria-label="Breadcrumb"' in html
    topic_html = client.get(guide.topic.get_absolute_url()).content.decode()
    assert [c["name"] for c in of_type(topic_html, "BreadcrumbList")["itemListElement"]] == [
        "Home",
        guide.topic.title,
    ]


def test_json_ld_cannot_be_broken_out_of(client):
    article = factories.published_article(
        slug="tricky", title="</script><script>alert(1)</script> & more"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(
        1
    )
    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script> & more"


def test_open_graph_twitter_and_canonical_tags(client, guide):
    html = client.get(guide.get_absolute_url() + "?utm_source=x").content.decode()
    url = f"http://testserver{guide.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="What mesotherapy is">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:description" content="{guide.live_revision.summary}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="article:published_time"' in html


def test_staff_previews_carry_no_structured_data(client, editor):
    factories.draft_article(slug="draft", title="Draft text")
    client.force_login(editor)
    html = client.get("/guide/draft/?preview").content.decode()
    assert "application/ld+json" not in html


def test_a_reviewer_without_a_full_byline_profile_cannot_attest(
    client, medical_reviewer, editor, writer
):
    article = factories.draft_article(slug="reviewed2", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    Person.objects.filter(user=medical_reviewer).update(credentials="")
    medical_reviewer = get_user_model().objects.get(pk=medical_reviewer.pk)
    with pytest.raises(PermissionDenied, match="full name and your credentials"):
        workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    Person.objects.filter(user=medical_reviewer).delete()
    medical_reviewer = get_user_model().objects.get(pk=medical_reviewer.pk)
    with pytest.raises(PermissionDenied, match="byline profile"):
        workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=editor)
    html = client.get("/guide/reviewed2/").content.decode()
    assert "reviewedBy" not in of_type(html, "MedicalWebPage")
    assert "Medically reviewed" not in html
    assert "Reviewed by Editor Tester on" in html


def test_an_old_attestation_without_a_profile_shows_no_medical_review_line(
    client, medical_reviewer, editor, writer
):
    article = factories.draft_article(slug="old-attestation", user=writer)
    workflow.transition(article, workflow.SUBMIT, user=writer)
    workflow.attest_medical_review(article, article.latest_revision, user=medical_reviewer)
    workflow.transition(article, workflow.APPROVE, user=editor)
    workflow.publish(article, user=editor)
    Person.objects.filter(user=medical_reviewer).delete()  # a record from before the rule
    Revision.objects.filter(article=article).update(  # and before names were kept
        medically_reviewed_by_name="", medically_reviewed_by_credentials=""
    )
    html = client.get("/guide/old-attestation/").content.decode()
    assert "Medically reviewed" not in html
    assert "reviewedBy" not in of_type(html, "MedicalWebPage")
