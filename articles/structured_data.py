"""schema.org JSON-LD for reader pages, built from the records readers' pages show.

The medical review (lastReviewed, reviewedBy) comes only from the live
revision's attested medical review by a reviewer whose byline profile gives
their full name and credentials; without one, both are left out.
"""

from django.conf import settings
from django.urls import reverse

from mesoguide.origin import absolute_url

CONTEXT = "https://schema.org"


def _iso(moment):
    return moment.isoformat() if moment else None


def _person(person, request, fallback_name=None):
    if person is None:
        return {"@type": "Person", "name": fallback_name} if fallback_name else None
    data = {"@type": "Person", "name": person.name}
    url = person.get_absolute_url()
    if url:  # a reviewer named at the time whose profile is gone has none
        data["url"] = absolute_url(url, request)
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    return data


def social_card(article, request):
    """The article's chosen picture as shared: {"url" (absolute), "width", "height"
    (pixels), "type" (MIME), "alt"}; None when it has none."""
    if article.image_id is None:
        return None
    from images.renditions import social_card as card_rendition

    image = article.image
    found = card_rendition(image)
    if found is None:
        return None
    path, width, height, mime_type = found
    return {
        "url": absolute_url(path, request),
        "width": width,
        "height": height,
        "type": mime_type,
        "alt": image.alt_text,
    }


def publisher(request):
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": absolute_url(reverse("home"), request),
    }


def breadcrumb_list(crumbs, request):
    """crumbs: (name, path) pairs from the home page to the current page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(path, request),
            }
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def article_crumbs(article, revision):
    crumbs = [("Home", reverse("home"))]
    if article.topic:
        crumbs.append((article.topic.title, article.topic.get_absolute_url()))
    crumbs.append((revision.title, article.get_absolute_url()))
    return crumbs


def topic_crumbs(topic):
    return [("Home", reverse("home")), (topic.title, topic.get_absolute_url())]


def medical_web_page(article, revision, request):
    data = {
        "@context": CONTEXT,
        "@type": "MedicalWebPage",
        "headline": revision.title,
        "name": revision.title,
        "description": revision.summary,
        "url": absolute_url(article.get_absolute_url(), request),
        "inLanguage": "en-GB",
        "author": _person(article.author, request),
        "publisher": publisher(request),
        "datePublished": _iso(article.first_published_at),
        "dateModified": _iso(article.last_published_at),
    }
    card = social_card(article, request)
    if card is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": card["url"],
            "width": card["width"],
            "height": card["height"],
        }
    reviewer = revision.medical_reviewer if revision.medically_reviewed_at else None
    if reviewer is not None:
        data["lastReviewed"] = revision.medically_reviewed_at.date().isoformat()
        data["reviewedBy"] = _person(reviewer, request)
    return {key: value for key, value in data.items() if value is not None}
