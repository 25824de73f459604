from django.db import models
from django.utils import timezone

from .addresses import stored_address


class SubscriberState(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The only addresses the newsletter is ever sent to."""
        return self.filter(state=SubscriberState.CONFIRMED)


class Subscriber(models.Model):
    """One e-mail address and where it stands; addresses are stored as addresses.stored_address() writes them."""

    email = models.EmailField(unique=True)
    state = models.CharField(
        max_length=12, choices=SubscriberState.choices, default=SubscriberState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="First signed up.")
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @staticmethod
    def normalize(email):
        return stored_address(email)
