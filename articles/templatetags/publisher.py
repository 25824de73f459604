"""Who runs the site, from settings, for the privacy page (PUBLISHER_* and
PRIVACY_EMAIL in mesoguide/settings.py: required in production)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("articles/_publisher.html")
def publisher():
    """{"name", "address_lines", "email"}: empty strings and no lines when unset."""
    return {
        "name": settings.PUBLISHER_NAME,
        # One line per comma or line break, as an envelope shows it.
        "address_lines": [
            line.strip()
            for line in settings.PUBLISHER_ADDRESS.replace("\n", ",").split(",")
            if line.strip()
        ],
        "email": settings.PRIVACY_EMAIL,
    }
