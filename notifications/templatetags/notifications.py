from django import template

from notifications.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """How many of the signed-in person's own notifications are unread."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()


@register.inclusion_tag("notifications/_latest.html", takes_context=True)
def latest_notifications(context, limit=5):
    """The newest unread notifications of the signed-in person, for the admin index."""
    user = context["request"].user
    mine = Notification.objects.for_user(user).unread()
    return {"latest": list(mine[:limit]), "unread": mine.count(), "request": context["request"]}
