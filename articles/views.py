"""Reader pages. Visibility is decided only by Article.objects.published();
staff with edit rights may preview unpublished text, marked and never cached."""

from itertools import groupby

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from mesoguide.origin import absolute_url
from readership.counting import record_view

from . import search as site_search
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
    if kind == Kind.ARTICLE and not preview:
        record_view(request, article.pk)  # before rendering, so the count includes this visit
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


def article_changes(request, slug):
    """The public change log: every published revision of a live article, newest first."""
    published = Article.objects.published().guide_articles().with_live_text()
    article = get_object_or_404(published, slug=slug)
    changes = article.revisions.filter(
        published_at__isnull=False, published_at__lte=timezone.now()
    ).order_by("-published_at", "-number")
    return render(request, "articles/changes.html", {"article": article, "changes": changes})


SEARCH_PAGE_SIZE = 10


def search(request):
    query, problem = site_search.clean_query(request.GET.get("q", ""))
    context = {"query": query, "problem": problem, "max_length": site_search.MAX_QUERY_LENGTH}
    if problem is None:
        page = Paginator(site_search.search(query), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
        context["results"] = site_search.results(page.object_list, query)
    return render(request, "articles/search.html", context)


def robots_txt(request):
    sitemap = absolute_url(reverse("sitemap"), request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('search')}",
        f"Disallow: {reverse('newsletter:subscribe')}",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response
