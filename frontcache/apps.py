from django.apps import AppConfig


class FrontCacheConfig(AppConfig):
    """Purges a CDN or caching proxy in front of the site when pages change."""

    name = "frontcache"
    verbose_name = "Front cache"

    def ready(self):
        # Connects the receiver of pagecache.signals.pages_changed.
        from . import purging  # noqa: F401
