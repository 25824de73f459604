"""Where the guide shows library pictures, told to the image library
(images/usage.py) so it can refuse to delete one that readers see or will see."""

from django.db.models import Q
from django.urls import reverse

from images import usage

from .models import Article, Person, Status


@usage.register
def article_uses(image):
    """An article whose live, scheduled or latest revision shows `image`, or whose
    social card it is; `how` says which ('live', 'scheduled', 'draft', 'social card')."""
    articles = (
        Article.objects.filter(
            Q(live_revision__images=image)
            | Q(latest_revision__images=image)
            | Q(scheduled_revision__images=image)
            | Q(image=image)
        )
        .distinct()
        .select_related("live_revision", "latest_revision", "scheduled_revision")
    )
    found = []
    for article in articles:
        revisions = {
            "live": article.live_revision,
            "scheduled": article.scheduled_revision,
            "draft": article.latest_revision
            if article.latest_revision_id != article.live_revision_id
            else None,
        }
        how = [
            label
            for label, revision in revisions.items()
            if revision is not None and revision.images.filter(pk=image.pk).exists()
        ]
        if article.image_id == image.pk:
            how.append("social card")
        if "live" in how and article.status != Status.PUBLISHED:
            how[how.index("live")] = "unpublished"
        url = reverse("admin:articles_article_change", args=[article.pk])
        found.append(usage.Use(f"“{article.title}”", ", ".join(how), url))
    return found


@usage.register
def bio_uses(image):
    """A person whose bio (Markdown too) shows `image`, matched on ![](image:slug)
    as the renderer finds it."""
    people = Person.objects.filter(bio__regex=rf"image:{image.slug}([^a-z0-9-]|$)")
    return [
        usage.Use(
            f"the bio of {person.name}",
            "bio",
            reverse("admin:articles_person_change", args=[person.pk]),
        )
        for person in people
    ]
