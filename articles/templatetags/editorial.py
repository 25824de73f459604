from django import template
from django.utils import timezone

from articles.my_work import my_work

register = template.Library()


@register.inclusion_tag("admin/_editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    work = my_work(user)
    return {
        "show": True,
        "now": timezone.now(),
        "work": work,
        "anything": any(summary.count for summary in work),
        "request": context["request"],
    }
