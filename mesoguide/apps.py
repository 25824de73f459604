from django.apps import AppConfig


class MesoGuideConfig(AppConfig):
    """The site-wide machinery: error pages, health checks, login lock-out mails."""

    name = "mesoguide"
    verbose_name = "MesoGuide site"

    def ready(self):
        from . import login_lockout  # noqa: F401  (connects its receivers)
