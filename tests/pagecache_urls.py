"""The site's URLs plus a cached page with a form, for the page-cache CSRF tests
(the site's own forms come from other features)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from mesoguide.pagecache import cached_page
from mesoguide.urls import urlpatterns as site_urlpatterns

FORM = engines["django"].from_string(
    '<form method="post" action="/sign-up/">{% csrf_token %}<button>Sign up</button></form>'
)


@cached_page("form-page")
def form_page(request):
    return HttpResponse(FORM.render({}, request))


def sign_up(request):
    return HttpResponse("Thank you")


urlpatterns = [
    path("form-page/", form_page),
    path("sign-up/", sign_up),
    *site_urlpatterns,
]
