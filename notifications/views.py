"""The editor's own notifications ("For you") and their e-mail choices.

Every query goes through Notification.objects.for_user(request.user): nobody
sees, reads or marks anyone else's notifications.
"""

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .models import MailPreference, Notification

PAGE_SIZE = 50


def for_you(request):
    """GET: the list, newest first, unread marked; POST: mark one or all read."""
    mine = Notification.objects.for_user(request.user).select_related("article")
    if request.method == "POST":
        unread = mine.unread()
        if request.POST.get("all"):
            unread.update(read_at=timezone.now())
            messages.success(request, "Everything is marked as read.")
        else:
            notification = get_object_or_404(mine, pk=_int(request.POST.get("id")))
            if notification.read_at is None:
                notification.read_at = timezone.now()
                notification.save(update_fields=["read_at"])
        return redirect("for_you")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": "For you",
        "page": page,
        "unread_count": mine.unread().count(),
    }
    return TemplateResponse(request, "notifications/for_you.html", context)


def _int(value):
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() else 0  # not "²"


class MailPreferenceForm(forms.ModelForm):
    class Meta:
        model = MailPreference
        fields = [
            "submitted",
            "changes_requested",
            "approved",
            "published",
            "review_due",
            "no_medical_review",
        ]


def notification_settings(request):
    """The signed-in person's own e-mail choices (there is no way to name another account)."""
    preference = MailPreference.objects.filter(user=request.user).first() or MailPreference(
        user=request.user
    )
    form = MailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("notification_settings")
    context = {
        **admin.site.each_context(request),
        "title": "Your notification e-mails",
        "form": form,
        "has_address": bool(request.user.email),
    }
    return TemplateResponse(request, "notifications/settings.html", context)
