"""The image library as the Markdown renderer sees it (articles/rendering.py)."""

from .models import Image
from .renditions import picture_of


def pictures_by_slug(slugs):
    """{slug: renditions.Picture} for the library images among `slugs`; two queries."""
    images = Image.objects.filter(slug__in=list(slugs)).prefetch_related("renditions")
    return {image.slug: picture_of(image, image.renditions.all()) for image in images}
