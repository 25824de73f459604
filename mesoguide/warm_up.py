"""What gunicorn's master process prepares before forking workers (gunicorn.conf.py)."""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

from .release import release


def warm_up():
    """Populate the URL resolver, compile the project's templates and take the release's
    fingerprint; no database needed."""
    release()
    get_resolver().resolve("/")
    engine = engines["django"]
    for directory in engine.template_dirs:
        directory = Path(directory)
        if not directory.is_relative_to(settings.BASE_DIR) or ".venv" in directory.parts:
            continue
        for template in sorted(directory.rglob("*.html")):
            engine.get_template(template.relative_to(directory).as_posix())
