"""Reader pages. Visibility is decided only by Article.objects.published();
staff with edit rights may preview unpublished text, marked and never cached."""

from itertools import groupby

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from .models import Article, Kind, Person, Topic


def _guide():
    return Article.objects.published().guide_articles().with_live_text().in_guide_order()


def home(request):
    articles = list(_guide())
    sections = [(topic, list(items)) for topic, items in groupby(articles, key=lambda a: a.topic)]
    return render(request, "articles/home.html", {"sections": sections})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = _guide().filter(topic=topic)
    return render(request, "articles/topic.html", {"topic": topic, "articles": articles})


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    articles = _guide().filter(author=person)
    return render(request, "articles/person.html", {"person": person, "articles": articles})


def can_preview(user):
    # Everyone on the editorial team can read drafts: writers, reviewers and editors.
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


def _document(request, kind, slug):
    """The document and the revision to show: live text, or for editors a marked preview."""
    wants_preview = "preview" in request.GET and can_preview(request.user)
    if not wants_preview:
        published = Article.objects.published().filter(kind=kind).with_live_text()
        article = published.filter(slug=slug).first()
        if article is not None:
            return article, article.live_revision, False
        if not can_preview(request.user):
            get_object_or_404(published, slug=slug)  # raises the reader's 404
    article = get_object_or_404(
        Article.objects.filter(kind=kind).select_related("latest_revision", "topic", "author"),
        slug=slug,
    )
    if article.latest_revision is None:
        raise Http404("This document has no text yet.")
    return article, article.latest_revision, True


def _render_document(request, template, kind, slug, extra=None):
    article, revision, preview = _document(request, kind, slug)
    context = {"article": article, "revision": revision, "preview": preview, **(extra or {})}
    response = render(request, template, context)
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def article_detail(request, slug):
    return _render_document(request, "articles/article.html", Kind.ARTICLE, slug)


def page_detail(request, slug):
    return _render_document(request, "articles/page.html", Kind.PAGE, slug)
