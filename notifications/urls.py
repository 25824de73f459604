from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("", admin.site.admin_view(views.for_you), name="for_you"),
    path(
        "settings/",
        admin.site.admin_view(views.notification_settings),
        name="notification_settings",
    ),
]
