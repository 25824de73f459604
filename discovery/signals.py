"""What editors' curation refreshes in the page cache.

An editors' pick is on the home page and beside every article: adding,
moving or removing one refreshes every page, and so does any change to a
picked article (article_shown_elsewhere). A hand-chosen related article shows
in its article's "more to read": choosing it refreshes that page, and a
change to the related article refreshes the pages that chose it.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from articles.signals import article_shown_elsewhere
from pagecache.refresh import refresh, refresh_every_page

from .models import EditorsPick, RelatedArticle


@receiver(article_shown_elsewhere, dispatch_uid="discovery-article-shown")
def pages_showing(sender, article, **kwargs):
    """(paths, every_page) of the curated places showing this article."""
    if article.pk is None:
        return frozenset(), False
    if EditorsPick.objects.filter(article_id=article.pk).exists():
        return frozenset(), True
    chosen_by = RelatedArticle.objects.filter(related_id=article.pk).values_list(
        "article__slug", flat=True
    )
    return frozenset(reverse("article", args=[slug]) for slug in chosen_by), False


@receiver(post_save, sender=EditorsPick, dispatch_uid="pagecache-pick-saved")
@receiver(post_delete, sender=EditorsPick, dispatch_uid="pagecache-pick-deleted")
def _pick_changed(sender, raw=False, **kwargs):
    if not raw:
        refresh_every_page()


@receiver(post_save, sender=RelatedArticle, dispatch_uid="pagecache-related-saved")
@receiver(post_delete, sender=RelatedArticle, dispatch_uid="pagecache-related-deleted")
def _related_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh({reverse("article", args=[instance.article.slug])})
