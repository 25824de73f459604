"""What purging costs an editor's request: recording a purge in the outbox and handing
it to the purge thread (frontcache/purging.py), with the front cache down.

    DATABASE_URL=postgres://... .venv/bin/python bench/purge_outbox.py

Prints the median and 99th percentile over 200 changes of 13 paths each (what a
publish purges), and checks every one was tried and kept for its retry.
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoguide.settings")
# Nothing listens on port 9 (discard) here: every purge fails at once and is kept.
os.environ.update(
    FRONTEND_CACHE_BACKEND="http",
    FRONTEND_CACHE_HTTP_SERVERS="http://127.0.0.1:9",
    SITE_URL=os.environ.get("SITE_URL") or "http://127.0.0.1",
)


def main():
    import django

    django.setup()
    from django.core.management import call_command

    from frontcache import purging
    from frontcache.models import PendingPurge

    call_command("migrate", verbosity=0)
    logging.disable(logging.CRITICAL)
    paths = frozenset(f"/guide/article-{n}/" for n in range(13))
    spent = []
    for _ in range(200):
        started = time.perf_counter()
        purging.queue_purge(paths)
        spent.append(time.perf_counter() - started)
    purging._executor.shutdown(wait=True)
    tried = PendingPurge.objects.filter(attempts=1).count()
    PendingPurge.objects.all().delete()
    spent.sort()
    print(
        f"purge recorded and handed on in the editor's request: median "
        f"{statistics.median(spent) * 1000:.2f} ms, p99 {spent[197] * 1000:.2f} ms "
        f"({tried}/200 tried and kept for retry)"
    )


if __name__ == "__main__":
    main()
