from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = "Picks and related articles"

    def ready(self):
        from . import signals  # noqa: F401  (what curation refreshes)
