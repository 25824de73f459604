from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Guide content"

    def ready(self):
        # What each change refreshes in the page cache, and the scheduled moments.
        # pictures: tells the image library which articles and bios show its pictures.
        from . import pictures, search_index, signals  # noqa: F401  (search_index: keeps the index)
