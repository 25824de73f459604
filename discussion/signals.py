"""What a change to readers' comments refreshes in the page cache: its article's page.

Approving, rejecting or deleting an approved comment changes the article's
page; a new comment awaits moderation and shows nowhere. Comments show on no
listing, feed or sitemap.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from articles.models import Article
from pagecache.refresh import refresh

from .models import Comment, CommentStatus, comments_moderated


def _article_page(slug):
    return reverse("article", args=[slug])


@receiver(post_save, sender=Comment, dispatch_uid="pagecache-comment-saved")
def _comment_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not (created and instance.status != CommentStatus.APPROVED):
        refresh({_article_page(instance.article.slug)})


@receiver(post_delete, sender=Comment, dispatch_uid="pagecache-comment-deleted")
def _comment_deleted(sender, instance, **kwargs):
    if instance.status == CommentStatus.APPROVED:
        refresh({_article_page(instance.article.slug)})


@receiver(comments_moderated, dispatch_uid="pagecache-comments-moderated")
def _comments_moderated_in_bulk(sender, article_ids, **kwargs):
    slugs = Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True)
    refresh({_article_page(slug) for slug in slugs})
