from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Guide content"

    def ready(self):
        # What each change refreshes in the page cache, and the scheduled moments.
        from . import search_index, signals  # noqa: F401  (search_index: keeps the index)
