from django import template
from django.utils import timezone

from articles.review_cycle import awaiting_review, due_for_review

register = template.Library()


@register.inclusion_tag("admin/_editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    return {
        "show": True,
        "now": timezone.now(),
        "due": list(due_for_review()[:20]),
        "waiting": list(awaiting_review()[:20]),
    }
