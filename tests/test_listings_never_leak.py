"""Walk every public listing and prove drafts, scheduled, expired, unpublished and archived
articles never appear, even when editors picked them, linked them or readers commented."""

import pytest
from django.urls import reverse

from articles import workflow
from discovery.models import EditorsPick, RelatedArticle
from discussion.models import Comment, CommentStatus
from readership.models import ArticleViewCount
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(editor):
    visible = factories.published_article(slug="visible", title="Visible article")
    hidden = factories.hidden_articles()
    # A live article whose newer text is still a draft: only the live text may show.
    workflow.save_draft(
        visible,
        user=editor,
        title="Secret new title",
        summary="Secret summary",
        body="Secret body.",
    )
    for order, article in enumerate(hidden):
        EditorsPick.objects.create(article=article, order=order)
        RelatedArticle.objects.create(article=visible, related=article, order=order)
        Comment.objects.create(
            article=article,
            name="Secret commenter",
            body="Secret comment",
            status=CommentStatus.APPROVED,
        )
        ArticleViewCount.objects.create(article=article, count=99)
    EditorsPick.objects.create(article=visible, order=99)
    return visible, hidden


def public_listings(visible):
    return {
        "home": "/",
        "topic": visible.topic.get_absolute_url(),
        "person": visible.author.get_absolute_url(),
        "search": reverse("search") + "?q=secret",
        "search all words": reverse("search") + "?q=mesotherapy",
        "rss": reverse("feed_rss"),
        "atom": reverse("feed_atom"),
        "sitemap": reverse("sitemap"),
        "sitemap of articles": reverse("sitemap-section", args=["articles"]),
        "article with picks and related": visible.get_absolute_url(),
        "change log": reverse("article_changes", args=[visible.slug]),
    }


def test_no_public_listing_shows_hidden_articles(client, site):
    visible, hidden = site
    for name, url in public_listings(visible).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Secret" not in body, name
        for article in hidden:
            assert f"/guide/{article.slug}/" not in body, (name, article.slug)


def test_the_walk_would_notice_a_leak(client, site):
    visible, hidden = site
    # The same listings do show an article once it is published: the check above is not vacuous.
    draft = hidden[0]
    factories.approve_and_publish(draft)
    seen = {
        name: f"/guide/{draft.slug}/" in client.get(url).content.decode()
        for name, url in public_listings(visible).items()
    }
    assert (
        seen["home"]
        and seen["rss"]
        and seen["sitemap of articles"]
        and seen["article with picks and related"]
    )


def test_hidden_articles_have_no_public_pages_of_their_own(client, site):
    _, hidden = site
    for article in hidden:
        for url in (
            article.get_absolute_url(),
            reverse("article_changes", args=[article.slug]),
            reverse("discussion:thanks", args=[article.slug]),
        ):
            assert client.get(url).status_code == 404, url
