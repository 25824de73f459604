"""The URLs `wagtail start` gives a project, less its search view: pages last, by Wagtail."""

from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Anything else is a page: Wagtail finds the site, walks the tree by slug and
    # calls the page's serve().
    path("", include(wagtail_urls)),
]
