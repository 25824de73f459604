from django import template

from discussion.forms import CommentForm
from mesoguide.blank_forms import blank_form

register = template.Library()


@register.inclusion_tag("discussion/_comments.html", takes_context=True)
def comments_section(context, article):
    """The approved comments of an article, their count and an empty comment form."""
    return {
        "article": article,
        "comments": list(article.comments.approved()),
        # Inclusion tags get a fresh context: hand the form its CSRF token.
        "form_html": blank_form(
            "discussion/_comment_form.html",
            CommentForm,
            context.get("csrf_token"),
            article_slug=article.slug,
        ),
    }
