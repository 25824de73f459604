from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Affiliate partners"

    def ready(self):
        from . import registry, signals  # noqa: F401  (signals: what a change refreshes)
        from .models import AffiliatePartner

        for signal in (post_save, post_delete):
            signal.connect(registry.partner_changed, sender=AffiliatePartner)
