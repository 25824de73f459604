"""URL parameters lose the characters no text may hold (mesoguide/characters.py).

Forms refuse them field by field, but URL parameters reach queries unchecked
(the admin's search and filters, say), and PostgreSQL refuses NUL outright, so
`?q=a%00` answered 500. They are dropped here, once, for every view.
"""

from django.http import QueryDict

from .characters import UNSTORABLE, without_unstorable


class UnstorableParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING") and any(
            UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values)
            for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(without_unstorable(key), [without_unstorable(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
