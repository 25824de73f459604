from django import template

from readership.counting import shown_view_count, view_count

register = template.Library()


@register.simple_tag
def article_views(article):
    """The article's view count with thousands separators (4,336), or "" below
    VIEW_COUNT_SHOWN_FROM."""
    return shown_view_count(view_count(article))
