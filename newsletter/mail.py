"""Every mail to a subscriber goes out through send_to_subscriber(), which adds the
one-click unsubscribe link to the text and the List-Unsubscribe headers (RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from mesoguide.origin import absolute_url

from . import tokens


def unsubscribe_url(subscriber, request=None):
    path = reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscriber)])
    return absolute_url(path, request)


def build_message(subscriber, subject, template, context, *, request=None, html_template=None):
    context = {
        **context,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe_url(subscriber, request),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if html_template:
        message.attach_alternative(render_to_string(html_template, context), "text/html")
    return message


def send_to_subscriber(subscriber, subject, template, context, *, request=None):
    build_message(subscriber, subject, template, context, request=request).send()


def send_confirmation(subscriber, request=None):
    path = reverse("newsletter:confirm", args=[tokens.confirmation_token(subscriber)])
    send_to_subscriber(
        subscriber,
        f"Please confirm your {settings.SITE_NAME} newsletter subscription",
        "newsletter/email/confirm.txt",
        {
            "confirm_url": absolute_url(path, request),
            "days": tokens.CONFIRM_MAX_AGE.days,
        },
        request=request,
    )


def send_already_subscribed(subscriber, request=None):
    send_to_subscriber(
        subscriber,
        f"You are already subscribed to the {settings.SITE_NAME} newsletter",
        "newsletter/email/already_subscribed.txt",
        {},
        request=request,
    )
