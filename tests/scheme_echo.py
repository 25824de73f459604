"""A WSGI app that answers with the scheme gunicorn decided (test_proxy_headers.py).
Django is set up as by the site's own WSGI module: gunicorn.conf.py warms it up."""

import django

django.setup()


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["wsgi.url_scheme"].encode()]
