"""Which release of the site is running, for the keys of what it keeps in the shared cache.

Cached pages and kept parts were built by one release's code and templates and
link to its hashed static files, which the next release may no longer have.
So their keys carry the release: after a deploy the new release builds its own,
and while two releases run side by side neither serves the other's.

RELEASE from the environment names it (a git commit, say). Without it, the
release is a fingerprint of the project's own Python code and templates and of
the static files' manifest, taken once per process.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings


@cache
def release():
    if settings.RELEASE:
        return settings.RELEASE
    # Names relative to the project, so every app server of a release agrees.
    digest = hashlib.sha256()
    for name, path in sorted(_release_files()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _release_files():
    """(name, path) of every file the fingerprint covers."""
    base = Path(settings.BASE_DIR)
    own_apps = [
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(base) and ".venv" not in Path(app.path).parts
    ]
    for directory in [*own_apps, *map(Path, _template_dirs())]:
        for pattern in ("*.py", "*.html", "*.txt"):
            for path in directory.rglob(pattern):
                yield path.relative_to(base).as_posix(), path
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        yield "STATIC_ROOT/staticfiles.json", manifest


def _template_dirs():
    for engine in settings.TEMPLATES:
        yield from engine.get("DIRS", [])
