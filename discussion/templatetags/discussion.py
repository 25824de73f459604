from django import template

from discussion.forms import CommentForm

register = template.Library()


@register.inclusion_tag("discussion/_comments.html")
def comments_section(article):
    """The approved comments of an article, their count and the comment form.

    The form carries no CSRF token: the article page is shared by every reader
    (mesoguide/form_tokens.py explains how a comment still gets checked).
    """
    return {
        "article": article,
        "comments": list(article.comments.approved()),
        "form": CommentForm(),
    }
