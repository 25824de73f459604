from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Reader comments"

    def ready(self):
        from . import signals  # noqa: F401  (what a comment's change refreshes)
