"""gunicorn settings of the Wagtail comparison site: MesoGuide's own, read from its file.

Every setting of the project's gunicorn.conf.py (workers from WEB_CONCURRENCY,
sync workers, keep-alive, max_requests, preload_app, the trusted proxy header,
the access log) applies here too. Its warm-up, which builds MesoGuide's URL
patterns and templates in the master before forking, is replaced by the same
for this site, and the master's objects are frozen out of the garbage
collector's full passes alike.
"""

import gc
import runpy
from pathlib import Path

globals().update(
    {
        name: value
        for name, value in runpy.run_path(
            str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py")
        ).items()
        if not name.startswith("_") and name != "when_ready"
    }
)


def when_ready(server):
    """Resolve the URL patterns and compile the article's template before forking."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().resolve("/")
    get_template("guide/article_page.html")
    gc.freeze()
