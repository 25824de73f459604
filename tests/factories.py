"""Test data built through the same workflow functions the site uses."""

import itertools

from django.utils import timezone

from articles import workflow
from articles.models import Article, Kind, Person, Topic
from partners.models import AffiliatePartner

_numbers = itertools.count(1)

BODY = """## Key takeaways

- Evidence is limited[^review].

## What it is

Mesotherapy means many small injections into the skin[^review].

## Sources

[^review]: A. Author. *A review.* Journal, 2020. <https://doi.org/10.1000/1>
"""


def topic(slug=None, title="How it works", order=None):
    n = next(_numbers)
    return Topic.objects.get_or_create(
        slug=slug or f"topic-{n}",
        defaults={"title": title, "order": order if order is not None else n},
    )[0]


def person(slug="editorial-team", name="MesoGuide editorial team"):
    return Person.objects.get_or_create(
        slug=slug, defaults={"name": name, "role": "Editorial team"}
    )[0]


def draft_article(
    slug=None, title="What mesotherapy is", body=BODY, kind=Kind.ARTICLE, user=None, **fields
):
    n = next(_numbers)
    if kind == Kind.ARTICLE:
        fields.setdefault("topic", topic())
        fields.setdefault("author", person())
    article = Article.objects.create(kind=kind, slug=slug or f"article-{n}", **fields)
    workflow.save_draft(article, user=user, title=title, summary=f"Summary of {title}.", body=body)
    article.refresh_from_db()
    return article


def colleague():
    """A named editor who wrote none of the factories' text: the second pair of eyes."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username="colleague",
        defaults={"first_name": "Casey", "last_name": "Colleague", "is_staff": True},
    )
    if created:
        if not Group.objects.filter(name=workflow.EDITOR).exists():
            # A flushed transactional database has no roles: put them back.
            from django.contrib.auth.models import Permission

            from articles.roles import sync_groups

            sync_groups(Group, Permission)
        user.groups.add(Group.objects.get(name=workflow.EDITOR))
    return user


def approve(article):
    """Submit (if needed) and approve the latest revision, as a named colleague."""
    article.refresh_from_db()
    if article.latest_revision.state in {"draft", "changes_requested"}:
        workflow.transition(article, workflow.SUBMIT, user=colleague())
    workflow.transition(article, workflow.APPROVE, user=colleague())
    article.refresh_from_db()
    return article


def approve_and_publish(article, at=None, until=None):
    article.refresh_from_db()
    if article.latest_revision.state != "published":  # else: putting the live text back
        approve(article)
    workflow.publish(article, user=colleague(), at=at, until=until)
    article.refresh_from_db()
    return article


def published_article(slug=None, title="What mesotherapy is", at=None, **fields):
    at = at or timezone.now() - timezone.timedelta(days=1)
    return approve_and_publish(draft_article(slug=slug, title=title, **fields), at=at)


def hidden_articles(prefix="secret"):
    """One article in each state readers must never see; titles start with "Secret"."""
    hour = timezone.timedelta(hours=1)
    now = timezone.now()
    draft = draft_article(slug=f"{prefix}-draft", title="Secret draft")
    future = approve_and_publish(
        draft_article(slug=f"{prefix}-future", title="Secret future"), at=now + hour
    )
    expired = approve_and_publish(
        draft_article(slug=f"{prefix}-expired", title="Secret expired"),
        at=now - 2 * hour,
        until=now - hour,
    )
    unpublished = published_article(slug=f"{prefix}-unpublished", title="Secret unpublished")
    workflow.unpublish(unpublished, user=None)
    archived = published_article(slug=f"{prefix}-archived", title="Secret archived")
    workflow.archive(archived, user=None)
    return [draft, future, expired, unpublished, archived]


def revise_and_publish(article, *, title, body=BODY, change_summary="", material=False):
    """A new live revision of a published article, as an editor would publish it."""
    workflow.save_draft(article, user=None, title=title, summary=f"Summary of {title}.", body=body)
    approve(article)
    workflow.publish(article, user=colleague(), change_summary=change_summary, material=material)
    article.refresh_from_db()
    return article


def affiliate_partner(
    name="Clinic Finder",
    domains="partner.example",
    disclosure="We earn a commission if you book through Clinic Finder.",
    started_days_ago=30,
    ends_in_days=None,
    **fields,
):
    """A partner saved as the admin saves it: validated and normalized first."""
    today = timezone.localdate()
    partner = AffiliatePartner(
        name=name,
        slug=fields.pop("slug", f"partner-{next(_numbers)}"),
        domains=domains,
        disclosure=disclosure,
        active_from=today - timezone.timedelta(days=started_days_ago),
        active_until=(
            None if ends_in_days is None else today + timezone.timedelta(days=ends_in_days)
        ),
        **fields,
    )
    partner.full_clean()
    partner.save()
    return partner


def picture_bytes(width=64, height=40, format="PNG", colour=(200, 120, 90), mode="RGB"):
    """A small real picture file, as bytes."""
    import io

    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new(mode, (width, height), colour).save(buffer, format=format)
    return buffer.getvalue()


def library_image(slug="skin-diagram", width=64, height=40, user=None, **details):
    """An image in the library, with its renditions, added as an upload is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image
    from images.renditions import add_image

    details.setdefault("title", slug.replace("-", " ").capitalize())
    details.setdefault("alt_text", "Layers of the skin, with the fat below.")
    details.setdefault("caption", "The layers of the skin.")
    details.setdefault("credit", "MesoGuide")
    details.setdefault("licence", "Original MesoGuide drawing")
    upload = SimpleUploadedFile(f"{slug}.png", picture_bytes(width, height), "image/png")
    return add_image(upload, Image(slug=slug, uploaded_by=user, **details))
