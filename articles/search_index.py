"""The search index: the text readers can see, one row per published document.

Search used to scan the text of every revision, drafts and archived ones
included, so one large draft slowed every search. It now reads only this table:
a row holds the live revision's title, headings, summary and plain body text
(and, on PostgreSQL, their weighted tsvector, computed once here, with a GIN
index). A row is written when what readers see changes (publish, a scheduled
revision going live, unpublish, archive: every such change saves the Article)
and deleted when the document leaves the site; the publish window
(publish_at, unpublish_at) is still applied at query time through
Article.objects.published(), so scheduled changes switch on time without a
write. `python manage.py rebuild_search_index` rebuilds it from scratch.
"""

import html
import logging
import re

from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import strip_tags

from .models import Article, SearchEntry, Status

logger = logging.getLogger(__name__)

CONFIG = "english"
GENERATION_KEY = "search:generation"
# The sources list and footnote numbers are not what a reader searches for.
_FOOTNOTES = re.compile(r'<div class="footnote".*\Z', re.DOTALL)
_FOOTNOTE_MARK = re.compile(r"<sup[^>]*><a[^>]*>[^<]*</a></sup>")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|tr|div|blockquote)>")


def plain_text(fragment):
    """Readable text of an HTML fragment: no footnote marks, blocks apart."""
    without_notes = _FOOTNOTE_MARK.sub("", _FOOTNOTES.sub("", fragment or ""))
    spaced = _BLOCK_END.sub(" ", without_notes)
    return " ".join(html.unescape(strip_tags(spaced)).split())


def document_vector():
    """The weighted tsvector of an entry, from its own columns."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("headings", weight="B", config=CONFIG)
        + SearchVector("summary", weight="C", config=CONFIG)
        + SearchVector("body", weight="D", config=CONFIG)
    )


def index_article(article_id, entries=None, articles=None):
    """Write (or delete) the entry of one document from its live text.

    `entries` and `articles` are the models to use (historical ones in a migration).
    """
    entries = entries or SearchEntry
    articles = articles or Article
    article = articles.objects.filter(pk=article_id).select_related("live_revision").first()
    live = article and article.status == Status.PUBLISHED and article.live_revision
    if not live:
        entries.objects.filter(pk=article_id).delete()
        return
    revision = article.live_revision
    entries.objects.update_or_create(
        article_id=article_id,
        defaults={
            "revision_id": revision.pk,
            "title": revision.title,
            "headings": plain_text(revision.toc_html),
            "summary": revision.summary,
            "body": plain_text(revision.body_html),
        },
    )
    if connection.vendor == "postgresql":
        entries.objects.filter(pk=article_id).update(document=document_vector())


def index_many(article_ids, entries=None, articles=None, batch=500):
    """index_article for many documents at once, in batches (bulk writes send no signals)."""
    entries = entries or SearchEntry
    articles = articles or Article
    article_ids = list(article_ids)
    for start in range(0, len(article_ids), batch):
        ids = article_ids[start : start + batch]
        entries.objects.filter(article_id__in=ids).delete()
        live = articles.objects.filter(
            pk__in=ids, status=Status.PUBLISHED, live_revision__isnull=False
        ).select_related("live_revision")
        entries.objects.bulk_create(
            entries(
                article_id=article.pk,
                revision_id=article.live_revision_id,
                title=article.live_revision.title,
                headings=plain_text(article.live_revision.toc_html),
                summary=article.live_revision.summary,
                body=plain_text(article.live_revision.body_html),
            )
            for article in live
        )
        if connection.vendor == "postgresql":
            entries.objects.filter(article_id__in=ids).update(document=document_vector())


def rebuild(entries=None, articles=None):
    """Every entry written afresh; returns how many documents are in the index."""
    entries = entries or SearchEntry
    articles = articles or Article
    entries.objects.all().delete()
    index_many(articles.objects.values_list("pk", flat=True), entries, articles)
    return entries.objects.count()


def generation():
    """A number that changes whenever the index does: part of cached results' keys."""
    try:
        return cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    except Exception:  # the shared cache is away: results are simply not cached
        return None


def _index_changed():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
    except Exception:  # the shared cache is away; cached results expire within minutes
        logger.warning("Shared cache unavailable: cached search results not refreshed")


def _results_changed():
    # At once, and again after commit: a search between the two could cache the old results.
    _index_changed()
    transaction.on_commit(_index_changed)


@receiver(post_save, sender=Article, dispatch_uid="search-index-article-saved")
def _article_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata
        return
    # In the same transaction as the change: a rolled-back publish leaves no entry.
    index_article(instance.pk)
    _results_changed()


@receiver(post_delete, sender=Article, dispatch_uid="search-index-article-deleted")
def _article_deleted(sender, instance, **kwargs):
    _results_changed()
