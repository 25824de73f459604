"""A library picture's alt text is read live for the social card of the articles
that share with it (og:image:alt): saving new details refreshes those pages."""

import pytest
from django.test import Client

from images.models import Image
from tests import factories

pytestmark = pytest.mark.django_db


def test_new_alt_text_reaches_the_shared_card_of_a_cached_article():
    image = factories.library_image(width=800, height=420)
    article = factories.published_article(slug="what-it-is", image=image)
    url = article.get_absolute_url()
    assert b"Layers of the skin, with the fat below." in Client().get(url).content
    assert Client().get(url)["X-Page-Cache"] == "hit"

    image = Image.objects.get(pk=image.pk)
    image.alt_text = "A cross-section of the skin."
    image.save_details(image.version, ["alt_text"])

    page = Client().get(url).content
    assert b'<meta property="og:image:alt" content="A cross-section of the skin.">' in page
