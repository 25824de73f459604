"""Double opt-in: sign up, confirm by a signed link, unsubscribe by a signed link.

State changes are single conditional UPDATEs, so a double click or two
servers handling the same link cannot interleave into a wrong state.
"""

from enum import Enum

from django.utils import timezone

from mesoguide.ratelimit import RateLimit

from . import mail, tokens
from .addresses import mailbox
from .models import Subscriber, SubscriberState

# Sign-ups per client, and mails to one mailbox however its address is spelt
# (addresses.py), so nobody can flood someone's inbox.
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
    may_mail = MAILS_PER_ADDRESS.hit(mailbox(email))
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


def _set_state_from_link(token, state, stamp, done, already):
    """Move the subscriber a mail link names to `state` (stamping the time); idempotent."""
    pk, email = tokens.read_unsubscribe_token(token)
    matching = _subscriber(pk, email)
    if matching.exclude(state=state).update(state=state, **{stamp: timezone.now()}):
        return done
    return already if matching.exists() else Outcome.UNKNOWN


def unsubscribe(token):
    """Unsubscribe at once; idempotent. Raises tokens.BadToken."""
    return _set_state_from_link(
        token,
        SubscriberState.UNSUBSCRIBED,
        "unsubscribed_at",
        Outcome.UNSUBSCRIBED,
        Outcome.ALREADY_UNSUBSCRIBED,
    )


def resubscribe(token):
    """Undo an unsubscribe from the link in one of our mails (which proves the address is theirs)."""
    return _set_state_from_link(
        token,
        SubscriberState.CONFIRMED,
        "confirmed_at",
        Outcome.RESUBSCRIBED,
        Outcome.ALREADY_CONFIRMED,
    )
