from django.apps import AppConfig


class MesoGuideConfig(AppConfig):
    """The site-wide machinery: page cache invalidation, error pages, health checks."""

    name = "mesoguide"
    verbose_name = "MesoGuide site"

    def ready(self):
        # Connects the receivers that refresh cached pages when content changes.
        from . import cache_invalidation, login_lockout  # noqa: F401
