"""A picture deleted while a text showing it is saved or restored: the save is
refused in words and nothing half-written stays; the restore says why."""

import pytest
from django.urls import reverse

from articles import models as article_models
from articles import workflow
from articles.models import Article, Revision
from articles.rendering import MarkdownRefused
from images.models import Image, lock_pictures
from tests import factories

pytestmark = pytest.mark.django_db

SHOWS_PICTURE = factories.BODY + "\n![](image:skin-diagram)\n"


@pytest.fixture
def picture():
    return factories.library_image(width=1000, height=600)


def test_lock_pictures_names_the_ones_no_longer_in_the_library(picture):
    assert lock_pictures({"skin-diagram", "gone"}) == {"gone"}
    assert lock_pictures(set()) == set()


def test_a_save_whose_picture_was_deleted_after_rendering_is_refused_whole(
    picture, editor, monkeypatch
):
    article = factories.draft_article(slug="racing")
    render = article_models.render_markdown

    def render_then_colleague_deletes(text):
        rendered = render(text)
        Image.objects.filter(pk=picture.pk).delete()  # the colleague's delete lands now
        return rendered

    monkeypatch.setattr(article_models, "render_markdown", render_then_colleague_deletes)
    revisions = Revision.objects.count()
    latest = Article.objects.get(pk=article.pk).latest_revision
    with pytest.raises(MarkdownRefused, match="“skin-diagram” was deleted from the library"):
        workflow.save_draft(
            Article.objects.get(pk=article.pk),
            user=editor,
            title=latest.title,
            summary=latest.summary,
            body=SHOWS_PICTURE,
        )
    assert Revision.objects.count() == revisions


def test_restoring_text_whose_picture_was_deleted_says_why(client, editor, picture):
    article = factories.draft_article(slug="restore-me", body=SHOWS_PICTURE)
    old = Article.objects.get(pk=article.pk).latest_revision
    latest = old
    workflow.save_draft(
        Article.objects.get(pk=article.pk),
        user=editor,
        title=latest.title,
        summary=latest.summary,
        body=factories.BODY,
    )
    Image.objects.filter(pk=picture.pk).delete()  # not shown by the latest text any more
    client.force_login(editor)
    version = Article.objects.get(pk=article.pk).version
    url = reverse("admin:articles_article_restore", args=[article.pk, old.number])
    response = client.post(url, {"version": version}, follow=True)
    text = response.content.decode()
    assert "Restore: not done. The old text can&#x27;t be used" in text
    assert "skin-diagram" in text
    assert "Reload the history" not in text
