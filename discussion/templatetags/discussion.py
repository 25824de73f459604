from django import template

register = template.Library()


@register.inclusion_tag("discussion/_comments.html")
def comments_section(article):
    """The approved comments of an article, their count and a link to the comment form.

    The form has its own page (discussion.views.comment_form): a per-visitor CSRF
    token here would keep the article page out of shared caches.
    """
    return {"article": article, "comments": list(article.comments.approved())}
