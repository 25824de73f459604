from django.contrib import admin
from django.urls import include, path

from articles import views
from articles.editors_guide import editors_guide
from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.sitemaps import sitemap_index, sitemap_section

from .form_tokens import form_token
from .pagecache import cached_page

handler400 = "mesoguide.errors.bad_request"
handler404 = "mesoguide.errors.not_found"
handler500 = "mesoguide.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/<slug:slug>/", views.article_detail, name="article"),
    path("guide/<slug:slug>/changes/", views.article_changes, name="article_changes"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", cached_page("feeds")(LatestArticlesFeed()), name="feed_rss"),
    path("feeds/atom/", cached_page("feeds")(LatestArticlesAtomFeed()), name="feed_atom"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("forms/token/", form_token, name="form_token"),
    path("", include("discussion.urls")),
    path("", include("newsletter.urls")),
    path("admin/for-you/", include("notifications.urls")),
    path("admin/editors-guide/", admin.site.admin_view(editors_guide), name="editors_guide"),
    path("admin/", admin.site.urls),
    # Site pages live at the top level (/about/, /privacy/ ...), so this comes last.
    path("<slug:slug>/", views.page_detail, name="page"),
]
