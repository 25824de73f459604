"""The site's URLs plus two bare cached pages, one without a form and one with a
form carrying a CSRF token (which the site's cached pages no longer have)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from mesoguide.urls import urlpatterns as site_urlpatterns
from pagecache.decorators import cached_page

FORM = engines["django"].from_string(
    '<form method="post" action="/sign-up/">{% csrf_token %}<button>Sign up</button></form>'
)


@cached_page()
def form_page(request):
    return HttpResponse(FORM.render({}, request))


@cached_page()
def plain_page(request):
    return HttpResponse("<p>No form here.</p>")


def sign_up(request):
    return HttpResponse("Thank you")


urlpatterns = [
    path("form-page/", form_page),
    path("plain-page/", plain_page),
    path("sign-up/", sign_up),
    *site_urlpatterns,
]
