"""WSGI entry point of the Wagtail comparison site: Django's own, nothing around it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagtail_bench.settings")

application = get_wsgi_application()
