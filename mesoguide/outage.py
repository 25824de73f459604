"""When the database is unreachable, readers get the branded 503 page (with
Retry-After), never a traceback. Nothing is kept between requests: Django
checks and reopens its connection on the next request (CONN_HEALTH_CHECKS), so
the site recovers by itself when the database is back. Pages in the page
cache keep being served throughout."""

from .errors import is_database_outage, service_unavailable


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return service_unavailable(exception)
        return None
