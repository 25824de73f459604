from django import template

from discussion.forms import CommentForm

register = template.Library()


@register.inclusion_tag("discussion/_comments.html", takes_context=True)
def comments_section(context, article):
    """The approved comments of an article, their count and an empty comment form."""
    comments = list(article.comments.approved())
    return {
        "article": article,
        "comments": comments,
        "form": CommentForm(),
        # Inclusion tags get a fresh context: hand the form its CSRF token.
        "csrf_token": context.get("csrf_token"),
    }
