"""Which cached pages a change makes stale (see pagecache.py for how they are refreshed).

One hook per kind of change, on the models themselves, so every path (the
workflow, the admin, the import command, a shell) is covered:

- A guide article whose public side changes (published, unpublished, archived,
  new live text, moved, scheduled ...): its own page, the home page, its
  topic's pages, its author's page, and the article pages whose "more to
  read" may list it (those of its topic, which are topped up from it, and
  those whose editors chose it), the feeds and the sitemap, before and after
  the change. An editors'
  pick is on the home page and beside every article: every page.
  Saving a draft, or any change to a document that is not published before
  or after it, changes nothing readers see and refreshes nothing.
- Comments: approving, rejecting or deleting one refreshes its article's
  page (a new comment awaits moderation and shows nowhere).
- Editors' picks: every page; a hand-chosen related article: that page.
- A site page: every page, since the footer of every page lists site pages
  (and the cached footer links themselves, footer.py).
- A live revision gaining its medical review line: that document's pages.
- Topics, people and user names appear in breadcrumbs, bylines and review
  lines across the site; they change rarely, so every page is refreshed.
- The partner registry (partners.registry.registry_changed) decides which
  links are marked as paid anywhere in the guide: every page is refreshed. It
  changes rarely, and working out which articles mention a partner would be a
  second copy of the marking rules.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Min, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import Article, Kind, Person, Revision, Status, Topic

from . import footer
from .pagecache import EVERY_PAGE, page_group, refresh, refresh_everything
from .redis_cache import cache_returned

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


def article_groups(article):
    """The page groups showing this document."""
    if article.kind == Kind.PAGE or _is_editors_pick(article):
        return [EVERY_PAGE]
    groups = [
        page_group("article", article.slug),
        page_group("home"),
        page_group("sitemap"),
        page_group("feeds"),
    ]
    if article.topic_id:
        groups.append(page_group("topic", article.topic.slug))
        siblings = Article.objects.published().guide_articles().filter(topic_id=article.topic_id)
        groups += [page_group("article", slug) for slug in siblings.values_list("slug", flat=True)]
    if article.author_id:
        groups.append(page_group("person", article.author.slug))
    groups += [page_group("article", slug) for slug in _chosen_as_related_by(article)]
    return list(dict.fromkeys(groups))


def _is_editors_pick(article):
    try:
        from discovery.models import EditorsPick
    except ImportError:
        return False
    return EditorsPick.objects.filter(article_id=article.pk).exists()


def _chosen_as_related_by(article):
    try:
        from discovery.models import RelatedArticle
    except ImportError:
        return []
    return RelatedArticle.objects.filter(related_id=article.pk).values_list(
        "article__slug", flat=True
    )


def refresh_article(article):
    refresh(*article_groups(article))
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
        instance._pages_before_save = article_groups(before)


@receiver(post_save, sender=Article, dispatch_uid="pagecache-article-saved")
def _article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not _is_public_change(update_fields):
        return
    before = getattr(instance, "_pages_before_save", None) or []
    after = article_groups(instance) if instance.status == Status.PUBLISHED else []
    # A document that was not published and still is not shows nowhere.
    if before or after:
        refresh(*dict.fromkeys([*before, *after]))
        if instance.kind == Kind.PAGE:
            footer.forget()


@receiver(post_delete, sender=Article, dispatch_uid="pagecache-article-deleted")
def _article_deleted(sender, instance, **kwargs):
    refresh_article(instance)


@receiver(post_save, sender=Revision, dispatch_uid="pagecache-revision-saved")
def _revision_saved(sender, instance, created=False, raw=False, **kwargs):
    # New revisions are drafts; only a change to the live one (its medical
    # review attestation) shows on the page.
    if raw or created:
        return
    article = Article.objects.filter(live_revision=instance).first()
    if article is not None:
        refresh_article(article)


@receiver(post_save, sender=Topic, dispatch_uid="pagecache-topic-saved")
@receiver(post_delete, sender=Topic, dispatch_uid="pagecache-topic-deleted")
@receiver(post_save, sender=Person, dispatch_uid="pagecache-person-saved")
@receiver(post_delete, sender=Person, dispatch_uid="pagecache-person-deleted")
def _shared_names_changed(sender, raw=False, created=False, **kwargs):
    # A new topic or person has no published articles yet, so shows nowhere.
    if not raw and not created:
        refresh_everything()


@receiver(post_save, sender=get_user_model(), dispatch_uid="pagecache-user-saved")
def _user_saved(sender, update_fields=None, raw=False, created=False, **kwargs):
    # A medical reviewer without a Person shows under their account's name.
    # Logging in only stamps last_login.
    if raw or created or (update_fields is not None and set(update_fields) == {"last_login"}):
        return
    refresh_everything()


def next_change_without_a_save(now):
    """What changes pages with no save: (the moment of the next scheduled publication,
    revision going live or unpublication, the next day a partnership starts or ends), each None if none."""
    upcoming = Article.objects.filter(status=Status.PUBLISHED).aggregate(
        publish=Min("publish_at", filter=Q(publish_at__gt=now)),
        unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
        # A live article's scheduled revision (articles/scheduling.py).
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=now, scheduled_revision__isnull=False)),
    )
    moments = [moment for moment in upcoming.values() if moment is not None]
    return (min(moments) if moments else None), _next_partnership_change()


def _next_partnership_change():
    try:
        from partners import registry
    except ImportError:
        return None
    # A partner is active from active_from through active_until (state_on),
    # so its links change on those two days' midnights.
    today = timezone.localdate()
    days = [
        day
        for partner in registry.all_partners()
        for day in (
            partner.active_from,
            partner.active_until and partner.active_until + timedelta(days=1),
        )
        if day and day > today
    ]
    return min(days, default=None)


def _connect_reader_features():
    try:
        from discovery.models import EditorsPick, RelatedArticle
        from discussion.models import Comment, CommentStatus, comments_moderated
    except ImportError:
        return

    def comment_saved(sender, instance, created=False, raw=False, **kwargs):
        if not raw and not (created and instance.status != CommentStatus.APPROVED):
            refresh(page_group("article", instance.article.slug))

    def comment_deleted(sender, instance, **kwargs):
        if instance.status == CommentStatus.APPROVED:
            refresh(page_group("article", instance.article.slug))

    def comments_moderated_in_bulk(sender, article_ids, **kwargs):
        slugs = Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True)
        refresh(*(page_group("article", slug) for slug in slugs))

    def pick_changed(sender, raw=False, **kwargs):
        if not raw:
            refresh_everything()

    def related_changed(sender, instance, raw=False, **kwargs):
        if not raw:
            refresh(page_group("article", instance.article.slug))

    post_save.connect(comment_saved, sender=Comment, weak=False, dispatch_uid="pagecache-c")
    post_delete.connect(comment_deleted, sender=Comment, weak=False, dispatch_uid="pagecache-cd")
    comments_moderated.connect(comments_moderated_in_bulk, weak=False, dispatch_uid="pagecache-cm")
    for signal in (post_save, post_delete):
        signal.connect(pick_changed, sender=EditorsPick, weak=False, dispatch_uid="pagecache-p")
        signal.connect(
            related_changed, sender=RelatedArticle, weak=False, dispatch_uid="pagecache-r"
        )


def _connect_partner_registry():
    try:
        from partners.models import AffiliatePartner
        from partners.registry import registry_changed
    except ImportError:
        return
    # The register announces its changes after commit; the model signals
    # refresh at once as well, like every other change here.
    registry_changed.connect(_partners_changed, dispatch_uid="pagecache-partners")
    for signal in (post_save, post_delete):
        signal.connect(_partners_changed, sender=AffiliatePartner, dispatch_uid="pagecache-partner")


@receiver(cache_returned, dispatch_uid="pagecache-cache-returned")
def _cache_returned(sender, **kwargs):
    # Refreshes and forgettings dropped while the cache was away may have left
    # stale pages and parts in it.
    refresh_everything()
    footer.forget()
    try:
        from partners.registry import forget as forget_partner_register
    except ImportError:
        return
    forget_partner_register()


def _partners_changed(sender, raw=False, **kwargs):
    if not raw:
        refresh_everything()


_connect_partner_registry()
_connect_reader_features()
