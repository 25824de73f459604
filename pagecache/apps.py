from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from . import refresh  # noqa: F401  (refreshes every page when the shared cache returns)
