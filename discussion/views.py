"""Commenting: a form page of its own, then the comment validated, rate-limited,
held for moderation, and a thank-you page.

The form is not on the article page, which is shared by every reader (and a CDN);
its page carries the visitor's CSRF token, so it is never cached.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article

from .forms import COMMENT_RATE_LIMIT, CommentForm


def _commentable_article(slug):
    published = Article.objects.published().guide_articles().with_live_text()
    return get_object_or_404(published, slug=slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request, slug):
    article = _commentable_article(slug)
    if request.method != "POST":
        return _form_page(request, article, CommentForm())
    form = CommentForm(request.POST)
    if form.is_spam():
        return redirect("discussion:thanks", slug=article.slug)
    status = 200
    if form.is_valid():
        if COMMENT_RATE_LIMIT.hit_by_client(request):
            comment = form.save(commit=False)
            comment.article = article
            comment.save()
            return redirect("discussion:thanks", slug=article.slug)
        form.add_error(
            None,
            "You have sent several comments in a short time. Please wait "
            f"{COMMENT_RATE_LIMIT.wait_minutes} minutes and send it again; your text is kept below.",
        )
        status = 429
    else:
        status = 400
    return _form_page(request, article, form, status=status)


def _form_page(request, article, form, status=200):
    context = {"article": article, "revision": article.live_revision, "form": form}
    return render(request, "discussion/comment_form_page.html", context, status=status)


def thanks(request, slug):
    article = _commentable_article(slug)
    return render(request, "discussion/thanks.html", {"article": article})
