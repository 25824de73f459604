"""Reader pages. Visibility is decided only by Article.objects.published();
staff with edit rights may preview unpublished text, marked and never cached.

Anonymous readers get home, topic, person, article and site pages from the
page cache (pagecache/). Each page runs a fixed number of queries
however many articles there are: the home page shows the first few articles
of each topic, topic and person pages are paginated.
"""

from functools import partial

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from mesoguide.origin import absolute_url
from mesoguide.release import release
from pagecache.decorators import cached_page
from pagecache.parts import KeptPart, kept_together_like_pages
from readership.counting import count_cache_hits, record_view

from . import search as site_search
from .article_page import (
    KEEP_SECONDS,
    preview_context,
    published_article,
    reader_context,
    reader_page,
    site_part,
)
from .home_lists import topic_first_articles
from .models import Article, Kind, Person, Topic

ARTICLES_PER_PAGE = 24


def _guide():
    return Article.objects.published().guide_articles().for_listing().in_guide_order()


@cached_page()
def home(request):
    # Rebuilt from kept parts (article_page.py): the guide's lists and the site's
    # header and footer, refreshed with the home page and every page.
    site = site_part(request)
    guide = KeptPart(
        f"{site.key}:home-guide",
        (reverse("home"),),
        lambda: {"guide": _home_guide(request, site.key)},
    )
    kept = kept_together_like_pages([guide, site], KEEP_SECONDS)
    return render(request, "articles/home.html", {"parts": {**kept[guide.key], **kept[site.key]}})


def _home_guide(request, key):
    """The editors' picks and each topic's first articles, as HTML. Each topic's
    list is kept apart, refreshed with that topic's page (a publication refreshes
    its topic's page), and the picks with every page (as any change to a picked
    article does, discovery/signals.py): a publication rebuilds one topic's list,
    not six (bench/home_rebuilt.py)."""
    topics = list(Topic.objects.order_by("order", "pk"))
    picks = KeptPart(
        f"{key}:home-picks",
        (),
        lambda: render_to_string("articles/_home_picks.html", {}, request),
    )
    lists = [
        KeptPart(
            f"{key}:home-topic:{topic.pk}",
            (topic.get_absolute_url(),),
            partial(topic_first_articles, topic),
        )
        for topic in topics
    ]
    kept = kept_together_like_pages([picks, *lists], KEEP_SECONDS)
    sections = [(topic, kept[part.key]) for topic, part in zip(topics, lists, strict=True)]
    context = {"picks": kept[picks.key], "sections": [s for s in sections if s[1]["cards"]]}
    return render_to_string("articles/_home_guide.html", context, request)


def _page_of(request, articles):
    # A page number that doesn't exist is a 404, not a copy of the last page:
    # otherwise every ?page=N would be a new entry in the page cache.
    try:
        return Paginator(articles, ARTICLES_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page of this list.") from error


@cached_page(query_params=["page"])
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = _page_of(request, _guide().filter(topic=topic))
    return render(
        request,
        "articles/topic.html",
        {"topic": topic, "articles": page.object_list, "page_obj": page},
    )


@cached_page(query_params=["page"])
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    page = _page_of(request, _guide().filter(author=person))
    return render(
        request,
        "articles/person.html",
        {"person": person, "articles": page.object_list, "page_obj": page},
    )


def can_preview(user):
    # Everyone on the editorial team can read drafts: writers, reviewers and editors.
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


def _document(request, kind, slug):
    """The document and the revision to show: live text, or for editors a marked preview."""
    wants_preview = "preview" in request.GET and can_preview(request.user)
    if not wants_preview:
        published = Article.objects.published().filter(kind=kind).with_live_text()
        # Not .first(): slugs are unique, and ordering costs time.
        article = next(iter(published.filter(slug=slug).order_by()[:1]), None)
        if article is not None:
            return article, article.live_revision, False
        if not can_preview(request.user):
            raise Http404("No published document here.")
    article = get_object_or_404(
        Article.objects.filter(kind=kind).select_related("latest_revision", "topic", "author"),
        slug=slug,
    )
    if article.latest_revision is None:
        raise Http404("This document has no text yet.")
    return article, article.latest_revision, True


def _preview(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@cached_page()
def article_detail(request, slug):
    # Readers: the live revision, its page put together from kept parts (article_page.py).
    wants_preview = "preview" in request.GET and can_preview(request.user)
    found = None if wants_preview else published_article(slug)
    if found is not None:
        article_id, revision_id, stored_views = found
        visit = record_view(request, article_id)  # first, so the count includes this visit
        stored_views = (stored_views or 0) + visit.moved_to_database
        context = reader_context(request, slug, article_id, revision_id, stored_views)
        response = HttpResponse(reader_page(request, context))
        count_cache_hits(response, article_id)  # a page-cache hit still counts the visit
        # The page shows the count: kept (by the page cache, and so a CDN) no longer
        # than the count may lag behind.
        response.page_cache_seconds = settings.VIEW_COUNT_MAX_LAG_SECONDS
        return response
    if not can_preview(request.user):
        raise Http404("No published article here.")
    article, revision, _preview_shown = _document(request, Kind.ARTICLE, slug)
    context = preview_context(request, article, revision)
    return _preview(render(request, "articles/article.html", context))


@cached_page()
def page_detail(request, slug):
    article, revision, preview = _document(request, Kind.PAGE, slug)
    context = {"article": article, "revision": revision, "preview": preview}
    response = render(request, "articles/page.html", context)
    return _preview(response) if preview else response


def article_changes(request, slug):
    """The public change log: every published revision of a live article, newest first."""
    published = Article.objects.published().guide_articles().with_live_text()
    article = get_object_or_404(published, slug=slug)
    changes = article.revisions.filter(
        published_at__isnull=False, published_at__lte=timezone.now()
    ).order_by("-published_at", "-number")
    return render(request, "articles/changes.html", {"article": article, "changes": changes})


def search(request):
    query, problem = site_search.clean_query(request.GET.get("q", ""))
    context = {"query": query, "problem": problem, "max_length": site_search.MAX_QUERY_LENGTH}
    status = 200
    if problem in (None, site_search.QueryProblem.TOO_LONG):
        number = site_search.page_number(request.GET.get("page"))
        try:
            found = site_search.results_page(query, number, request)
        except site_search.TooManySearches:
            if not request.user.is_authenticated:
                return _too_many_searches(request, context)
            context["problem"], status = "too_many", 429
        else:
            context["page"], context["results"] = found.page(), found.results
    return render(request, "articles/search.html", context, status=status)


# The "too many searches" page, rendered once per process and release: a client
# over the search limit must cost no more than a cached page (a fully rendered
# refusal cost five times one, tests/load/cache_key_attack.py).
_too_many_pages = {}


def _too_many_searches(request, context):
    html = _too_many_pages.get(release())
    if html is None:
        context = {**context, "query": "", "problem": "too_many"}
        html = _too_many_pages[release()] = render_to_string(
            "articles/search.html", context, request=request
        )
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(site_search.SEARCH_RATE_LIMIT.per_seconds)
    add_never_cache_headers(response)
    return response


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
