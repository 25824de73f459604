from django.contrib import admin
from django.urls import path

from articles import views
from articles.editors_guide import editors_guide

handler404 = "mesoguide.errors.not_found"
handler500 = "mesoguide.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/<slug:slug>/", views.article_detail, name="article"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("admin/editors-guide/", admin.site.admin_view(editors_guide), name="editors_guide"),
    path("admin/", admin.site.urls),
    # Site pages live at the top level (/about/, /privacy/ ...), so this comes last.
    path("<slug:slug>/", views.page_detail, name="page"),
]
