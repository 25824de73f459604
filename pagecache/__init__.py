"""The whole-page cache: a small app that knows no content.

- Views opt in with ``@cached_page`` (decorators.py); anonymous GETs of them
  are kept in the shared cache (Redis in production) with every header the
  site sends, security headers included (middleware.py stores them).
- Hits are answered before Django's request cycle by a WSGI layer around the
  Django application (wsgi.py, as WhiteNoise does for static files), and by the
  middleware for what that layer passes on (a query string it cannot read, a
  session or messages cookie it cannot check).
- Apps say what their changes refresh: they call ``refresh(paths, all_pages=)``
  (refresh.py) from their own signal handlers, with the URL paths whose
  responses changed. After the change commits, ``pages_changed`` (signals.py)
  announces the same paths to anyone else, a front-cache purger say.
- Apps register the moments at which pages change without a save (a scheduled
  publication, a partnership's first day) with ``schedule.register``.
- A hit can run per-visit work registered by an app with ``hits.on_hit`` (the
  reader count), named by the page when it was stored.

This package imports no content app.
"""
