"""Turning a Notice into notifications in the admin and e-mails.

Runs after the action's transaction committed (articles.signals). The in-admin
notification is written first; the mail goes only to people who have an
address and did not switch that kind off. A mail server that fails is logged
and never undoes or blocks anything: the notification in the admin stays.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from mesoguide.characters import name_in_a_line, one_line

from .models import Kind, MailPreference, Notification

logger = logging.getLogger(__name__)


def absolute(path):
    """An absolute address for a mail: SITE_URL (required in production) plus the path."""
    # In development SITE_URL may be empty: the runserver default stands in.
    return f"{settings.SITE_URL or 'http://localhost:8000'}{path}"


def subject_line(headline):
    """The mail's subject: one line (a title holding a line break would make the mail
    library refuse the whole batch), at most 200 characters."""
    return one_line(f"MesoGuide: {headline}")[:200]


def deliver(notice, key, article=None):
    """Record `notice` for each recipient who does not have `key` yet, then mail them.
    Only active staff who may still see articles are told.

    Returns the notifications created (none for a key already delivered, so
    sending twice is harmless).
    """
    created = []
    # Someone who wrote the text once but left the desk (no staff access or no
    # role any more) is not told: unpublished notes and quotes are no longer theirs.
    users = (
        get_user_model()
        .objects.with_perm(
            "articles.view_article",
            include_superusers=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(pk__in=notice.recipient_ids, is_active=True, is_staff=True)
    )
    for user in users:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=notice.kind,
                        article=article,
                        # One line: a title's line breaks must not add lines of
                        # their own ("Open it here: ...") to the plain-text mail.
                        headline=one_line(notice.headline)[:300],
                        note=notice.note,
                        quote=notice.quote,
                        link=notice.link,
                        key=key,
                    )
                )
        except IntegrityError:
            continue  # already told
    _mail(created)
    return created


def _mail(notifications):
    messages = []
    for notification in notifications:
        user = notification.recipient
        if not user.email or not MailPreference.wants_mail(user, notification.kind):
            continue
        context = {
            "notification": notification,
            # On its line after "Hello", whatever the account's name holds.
            "name": name_in_a_line(user.get_full_name() or user.get_username()),
            "kind_label": Kind(notification.kind).label,
            "quoted": "\n".join(f"> {line}" for line in notification.quote.splitlines()),
            "url": absolute(notification.link),
            "settings_url": absolute(reverse("notification_settings")),
            "for_you_url": absolute(reverse("for_you")),
        }
        messages.append(
            EmailMessage(
                subject=subject_line(notification.headline),
                body=render_to_string("notifications/mail/notification.txt", context),
                to=[user.email],
            )
        )
    if not messages:
        return
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except Exception:
        # The action is done and the notification is in the admin: log, never raise.
        logger.exception("Could not send %d notification mail(s)", len(messages))
