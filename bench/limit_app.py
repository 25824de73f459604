"""The honest limit for `make bench`: a bare WhiteNoise WSGI application.

It serves the files in BENCH_LIMIT_ROOT (the bytes of each measured page,
written there by bench/run.py) at /<name>, under the same gunicorn settings
as the site, and answers 404 to anything else. Nothing of Django's runs per
request: this is as fast as this stack serves those bytes.
"""

import os

import django
from whitenoise import WhiteNoise

# Only so that gunicorn.conf.py's warm-up runs in the master as it does for the
# site (it compiles the site's templates); the workers run no Django at all.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoguide.settings")
django.setup()


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not found"]


application = WhiteNoise(_not_found, root=os.environ["BENCH_LIMIT_ROOT"], prefix="/")
