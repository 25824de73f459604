"""An editor is told by mail when their account is locked after failed logins.

django-axes locks an account after AXES_FAILURE_LIMIT failed logins from any
address (settings.AXES_LOCKOUT_PARAMETERS). Someone else guessing can lock an
editor out too, so the editor hears of it at once: one mail per lock-out (not
one per further attempt, which axes also reports), saying when it ends and
what to do if it wasn't them.
"""

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse

from .characters import name_in_a_line
from .origin import absolute_url

logger = logging.getLogger(__name__)


@receiver(user_locked_out, dispatch_uid="mesoguide-tell-the-locked-out-editor")
def tell_the_editor(sender, request=None, username=None, ip_address=None, **kwargs):
    # Once per lock-out: while it lasts, axes reports every further attempt again,
    # with one failure more each time; the failure that reached the limit is told.
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None or not user.email:
        return
    hours = settings.AXES_COOLOFF_TIME
    context = {
        "user": user,
        # On its line after "Hello", whatever the account's first name holds.
        "name": name_in_a_line(user.get_short_name() or user.get_username()),
        "site_name": settings.SITE_NAME,
        "hours": f"{hours:g}",
        "address": ip_address or "an unknown address",
        "login_url": absolute_url(reverse("admin:login"), request),
    }
    try:
        send_mail(
            f"Your {settings.SITE_NAME} account is locked for {hours:g} hour(s)",
            render_to_string("registration/account_locked.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:  # the lock-out holds whether or not the mail goes
        logger.exception("Could not tell %s that their account is locked", username)
