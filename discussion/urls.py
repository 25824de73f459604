from django.urls import path

from . import views

app_name = "discussion"

urlpatterns = [
    path("guide/<slug:slug>/comments/", views.post_comment, name="post"),
    path("guide/<slug:slug>/comments/thanks/", views.thanks, name="thanks"),
]
