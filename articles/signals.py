"""What each change to the guide's content refreshes in the page cache, and the
workflow's own signals.

Handlers on the models themselves, so every path (the workflow, the admin, the
import command, a shell) is covered; each names the URL paths whose pages
changed (pagecache.refresh), which the page cache also announces to a front
cache after commit (pagecache.signals.pages_changed):

- A guide article whose public side changes (published, unpublished, archived,
  new live text, moved, renamed ...): article_paths() before and after the
  change: its own page, the home page, its topic's pages, its author's page,
  the pages of articles whose "more to read" may list it (its topic's, and
  those other apps add: discovery's hand-chosen related articles), the feeds
  and the sitemap files. A site page, or an article another app shows on
  every page (an editors' pick), refreshes every page: the footer of every
  page lists the site pages. Saving a draft, or any change to a document not
  published before or after it, changes nothing readers see and refreshes
  nothing.
- A live revision gaining its medical review line: that document's pages.
- Topics, people and user names appear in breadcrumbs, bylines and review
  lines across the site; they change rarely, so every page is refreshed.
- Scheduled moments (a publication, a revision going live, an unpublication)
  are registered with the page cache (pagecache.schedule) so no page outlives
  them; articles/scheduling.py applies and announces them when they come.

Signals sent here, after the workflow's transaction commits:
``published(sender=Article, article=...)`` when a revision goes live (now, or at
its scheduled moment), ``unpublished(sender=Article, article=...)`` when an
article is taken down (unpublished or archived), and
``workflow_action_done(sender=ReviewEvent, event=...)`` after every editorial
action, with the ReviewEvent it recorded (notifications listen to it; a failing
receiver is logged and never undoes the action). ``article_shown_elsewhere``
is asked (``send``) by article_paths(): a receiver returns ``(paths,
every_page)`` for the pages of its app that show the article.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver
from django.urls import reverse

from images.signals import details_changed
from mesoguide.redis_cache import cache_returned
from pagecache import schedule
from pagecache.refresh import refresh, refresh_every_page

from . import footer
from .compiled import MOMENT, CompiledQuery
from .models import Article, Kind, Person, Revision, Status, Topic
from .next_moment import schedules_changed
from .sitemaps import SITEMAPS

logger = logging.getLogger(__name__)

published = Signal()
unpublished = Signal()
article_shown_elsewhere = Signal()
workflow_action_done = Signal()


def send_after_commit(event):
    """Send workflow_action_done for `event` once the current transaction commits."""

    def send():
        for receiver_, result in workflow_action_done.send_robust(sender=type(event), event=event):
            if isinstance(result, Exception):
                logger.error(
                    "After %s on article %s, %r failed: %r",
                    event.action,
                    event.article_id,
                    receiver_,
                    result,
                    exc_info=result,
                )

    transaction.on_commit(send)


# Article fields that change nothing a reader sees.
_EDITORIAL_ONLY_FIELDS = {
    "latest_revision",
    "modified_at",
    "review_due_at",
    "review_interval_months",
    "source_path",
    "source_checksum",
    "imported_revision",
    "version",
}


def listing_paths():
    """The pages that list every published article: home, feeds and sitemap files."""
    return {
        reverse("home"),
        reverse("feed_rss"),
        reverse("feed_atom"),
        reverse("sitemap"),
        *(reverse("sitemap-section", args=[section]) for section in SITEMAPS),
    }


def article_paths(article):
    """(paths, every_page): the URL paths of the pages showing this document, and
    whether it shows on every page (a site page in every footer, an editors' pick)."""
    every_page = article.kind == Kind.PAGE
    paths = {article.get_absolute_url()}
    if article.kind == Kind.ARTICLE:
        paths |= listing_paths()
        if article.topic_id:
            paths.add(article.topic.get_absolute_url())
            siblings = (
                Article.objects.published().guide_articles().filter(topic_id=article.topic_id)
            )
            paths |= {
                reverse("article", args=[slug]) for slug in siblings.values_list("slug", flat=True)
            }
        if article.author_id:
            paths.add(article.author.get_absolute_url())
    else:
        paths.add(reverse("sitemap"))
        paths.add(reverse("sitemap-section", args=["pages"]))
    for _receiver, (more, everywhere) in article_shown_elsewhere.send(
        sender=Article, article=article
    ):
        paths |= set(more)
        every_page = every_page or everywhere
    return frozenset(paths), every_page


def refresh_article(article, before=(frozenset(), False)):
    paths, every_page = article_paths(article)
    refresh(paths | before[0], all_pages=every_page or before[1])
    if article.kind == Kind.PAGE:
        footer.forget()


def _is_public_change(update_fields):
    return update_fields is None or not set(update_fields) <= _EDITORIAL_ONLY_FIELDS


@receiver(pre_save, sender=Article, dispatch_uid="pagecache-article-before")
def _remember_where_article_was(sender, instance, update_fields=None, raw=False, **kwargs):
    # A moved or renamed article must also leave its old topic, author and URL.
    instance._pages_before_save = None
    if raw or instance.pk is None or not _is_public_change(update_fields):
        return
    before = Article.objects.filter(pk=instance.pk).select_related("topic", "author").first()
    if before is not None and before.status == Status.PUBLISHED:
        instance._pages_before_save = article_paths(before)


@receiver(post_save, sender=Article, dispatch_uid="pagecache-article-saved")
def _article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not _is_public_change(update_fields):
        return
    if update_fields is None or {"status", "publish_at", "unpublish_at"} & set(update_fields):
        schedules_changed()  # the next publish or unpublish moment may have moved
    before = getattr(instance, "_pages_before_save", None)
    # A document that was not published and still is not shows nowhere.
    if before is not None or instance.status == Status.PUBLISHED:
        refresh_article(instance, before or (frozenset(), False))


@receiver(post_delete, sender=Article, dispatch_uid="pagecache-article-deleted")
def _article_deleted(sender, instance, **kwargs):
    refresh_article(instance)


@receiver(post_save, sender=Revision, dispatch_uid="pagecache-revision-saved")
def _revision_saved(sender, instance, created=False, raw=False, **kwargs):
    # New revisions are drafts; only a change to the live one (its medical
    # review attestation) shows on the page.
    if raw or created:
        return
    article = (
        Article.objects.filter(live_revision=instance).select_related("topic", "author").first()
    )
    if article is not None:
        refresh_article(article)


@receiver(post_save, sender=Topic, dispatch_uid="pagecache-topic-saved")
@receiver(post_delete, sender=Topic, dispatch_uid="pagecache-topic-deleted")
@receiver(post_save, sender=Person, dispatch_uid="pagecache-person-saved")
@receiver(post_delete, sender=Person, dispatch_uid="pagecache-person-deleted")
def _shared_names_changed(sender, raw=False, created=False, **kwargs):
    # A new topic or person has no published articles yet, so shows nowhere.
    if not raw and not created:
        refresh_every_page()


@receiver(post_save, sender=get_user_model(), dispatch_uid="pagecache-user-saved")
def _user_saved(sender, update_fields=None, raw=False, created=False, **kwargs):
    # A medical reviewer without a Person shows under their account's name.
    # Logging in only stamps last_login.
    if raw or created or (update_fields is not None and set(update_fields) == {"last_login"}):
        return
    refresh_every_page()


@receiver(cache_returned, dispatch_uid="articles-cache-returned")
def _cache_returned(sender, **kwargs):
    # A forgetting dropped while the cache was away may have left old links in it.
    footer.forget()


def _upcoming_moments(now):
    # Grouped by status, which is filtered to one value: one row, or none with
    # nothing published. A values_list, so it can be compiled once (compiled.py).
    return (
        Article.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .values("status")
        .annotate(
            publish=Min("publish_at", filter=Q(publish_at__gt=now)),
            unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
            # A live article's scheduled revision (articles/scheduling.py).
            go_live=Min(
                "go_live_at", filter=Q(go_live_at__gt=now, scheduled_revision__isnull=False)
            ),
        )
        .values_list("publish", "unpublish", "go_live")
    )


# Worked out for every part or page stored: compiled once per process, ~0.7 ms
# of CPU less each time (bench/home_rebuilt.py).
_upcoming = CompiledQuery(_upcoming_moments, now=MOMENT)


@schedule.register
def next_scheduled_moment(now):
    """The next scheduled publication, revision going live or unpublication of a
    published document (no day-based change)."""
    moments = [moment for row in _upcoming.rows(now=now) for moment in row if moment is not None]
    return (min(moments) if moments else None), None


@receiver(details_changed, dispatch_uid="articles-picture-details-changed")
def _picture_details_changed(sender, image, **kwargs):
    # The social card of a live article reads its picture's alt text as it is now
    # (og:image:alt); the article's text keeps the details it was reviewed with.
    sharing = Article.objects.filter(image=image, status=Status.PUBLISHED).only("slug", "kind")
    refresh({article.get_absolute_url() for article in sharing})
