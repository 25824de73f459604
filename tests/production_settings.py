"""Production settings for tests run in a subprocess: the real ones, except
that static files need no collectstatic run first."""

from mesoguide.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
