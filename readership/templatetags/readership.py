from django import template

from readership.counting import view_count

register = template.Library()


@register.simple_tag
def article_views(article):
    """The article's view count with thousands separators: 4,336."""
    return f"{view_count(article):,}"
