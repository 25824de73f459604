"""The site's WSGI application: page-cache hits answered in front of Django (pagecache/wsgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoguide.settings")

from pagecache.wsgi import PageCacheWSGI  # noqa: E402  (needs the settings module named)

application = PageCacheWSGI(get_wsgi_application())
