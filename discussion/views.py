"""Commenting: the comment validated, rate-limited, held for moderation, and a
thank-you page.

The form is under every article, without a CSRF token: the article page is
shared by every reader (and a CDN), see mesoguide/form_tokens.py. The form's
own page carries the visitor's token and is never cached: errors are shown
there, and a comment sent without a token comes back there to be confirmed.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article
from mesoguide.form_tokens import CONFIRM_STATUS, confirm_when_tokenless

from .forms import COMMENT_RATE_LIMIT, CommentForm


def _commentable_article(slug):
    published = Article.objects.published().guide_articles().with_live_text()
    return get_object_or_404(published, slug=slug)


def confirm_comment(request, slug):
    """The comment sent without a CSRF token, back on the form page to be confirmed; nothing stored."""
    article = _commentable_article(slug)
    form = CommentForm(request.POST)
    if form.is_spam():
        return redirect("discussion:thanks", slug=article.slug)
    form.is_valid()  # so that problems show at once
    return _form_page(request, article, form, status=CONFIRM_STATUS, confirming=True)


@confirm_when_tokenless(confirm_comment)
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


def _form_page(request, article, form, status=200, confirming=False):
    context = {
        "article": article,
        "revision": article.live_revision,
        "form": form,
        "confirming": confirming,
    }
    return render(request, "discussion/comment_form_page.html", context, status=status)


def thanks(request, slug):
    article = _commentable_article(slug)
    return render(request, "discussion/thanks.html", {"article": article})
