"""Double opt-in: sign up, confirm by a signed link, unsubscribe by a signed link.

State changes are single conditional UPDATEs, so a double click or two
servers handling the same link cannot interleave into a wrong state.
"""

from enum import Enum

from django.utils import timezone

from mesoguide.ratelimit import RateLimit

from . import mail, tokens
from .models import Subscriber, SubscriberState

# Sign-ups per client, and mails to one address (so nobody can flood someone's inbox).
SIGNUP_RATE_LIMIT = RateLimit("newsletter-signup", limit=5, per_seconds=3600)
MAILS_PER_ADDRESS = RateLimit("newsletter-mail", limit=3, per_seconds=86400)


class Outcome(Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    UNSUBSCRIBED = "unsubscribed"
    ALREADY_UNSUBSCRIBED = "already_unsubscribed"
    RESUBSCRIBED = "resubscribed"
    UNKNOWN = "unknown"


def request_subscription(email, request=None):
    """Start (or restart) double opt-in for `email`; the answer to the reader is the same either way."""
    email = Subscriber.normalize(email)
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    may_mail = MAILS_PER_ADDRESS.hit(email)
    if subscriber.state == SubscriberState.CONFIRMED:
        if may_mail:
            mail.send_already_subscribed(subscriber, request)
        return subscriber
    subscriber.state = SubscriberState.PENDING
    if may_mail:
        mail.send_confirmation(subscriber, request)
        subscriber.confirmation_sent_at = timezone.now()
    subscriber.save()
    return subscriber


def _subscriber(pk, email):
    return Subscriber.objects.filter(pk=pk, email=email)


def confirm(token):
    """Confirm the address a confirmation link was sent to. Raises tokens.BadToken / ExpiredToken."""
    pk, email = tokens.read_confirmation_token(token)
    matching = _subscriber(pk, email)
    if matching.filter(state=SubscriberState.PENDING).update(
        state=SubscriberState.CONFIRMED, confirmed_at=timezone.now()
    ):
        return Outcome.CONFIRMED
    subscriber = matching.first()
    if subscriber is None:
        return Outcome.UNKNOWN
    if subscriber.state == SubscriberState.CONFIRMED:
        return Outcome.ALREADY_CONFIRMED
    # They unsubscribed after asking for this link: their latest word stands.
    return Outcome.ALREADY_UNSUBSCRIBED


def unsubscribe(token):
    """Unsubscribe at once; idempotent. Raises tokens.BadToken."""
    pk, email = tokens.read_unsubscribe_token(token)
    matching = _subscriber(pk, email)
    if matching.exclude(state=SubscriberState.UNSUBSCRIBED).update(
        state=SubscriberState.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    ):
        return Outcome.UNSUBSCRIBED
    return Outcome.ALREADY_UNSUBSCRIBED if matching.exists() else Outcome.UNKNOWN


def resubscribe(token):
    """Undo an unsubscribe from the link in one of our mails (which proves the address is theirs)."""
    pk, email = tokens.read_unsubscribe_token(token)
    matching = _subscriber(pk, email)
    if matching.exclude(state=SubscriberState.CONFIRMED).update(
        state=SubscriberState.CONFIRMED, confirmed_at=timezone.now()
    ):
        return Outcome.RESUBSCRIBED
    return Outcome.ALREADY_CONFIRMED if matching.exists() else Outcome.UNKNOWN
