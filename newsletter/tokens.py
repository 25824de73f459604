"""Signed links: confirmation links expire, unsubscribe links never do.

Each token carries the subscriber's id and address, signed with SECRET_KEY
and a salt per purpose, so one kind of link cannot be used as another.
"""

from datetime import timedelta

from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=3)

# Re-exported so callers catch the signing errors without importing signing.
BadToken = signing.BadSignature
ExpiredToken = signing.SignatureExpired


def _make(subscriber, salt):
    return signing.dumps([subscriber.pk, subscriber.email], salt=salt, compress=True)


def _read(token, salt, max_age=None):
    """(id, email) from a token; raises ExpiredToken or BadToken."""
    value = signing.loads(token, salt=salt, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 2):
        raise BadToken("Unexpected token payload.")
    return value[0], value[1]


def confirmation_token(subscriber):
    return _make(subscriber, CONFIRM_SALT)


def read_confirmation_token(token):
    return _read(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def unsubscribe_token(subscriber):
    return _make(subscriber, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    return _read(token, UNSUBSCRIBE_SALT)
