"""Measure view counting under concurrent load against a running server.

Sends N concurrent GETs of one article (as a browser would) and reports how
many views were counted and how many rows PostgreSQL actually wrote to the
view-count table meanwhile (pg_stat_user_tables). Run it against several
app-server processes sharing one Redis cache and one database, e.g.:

    DATABASE_URL=postgres://... CACHE_URL=redis://... .venv/bin/gunicorn -w 4 -b 127.0.0.1:8101 mesoguide.wsgi
    DATABASE_URL=postgres://... CACHE_URL=redis://... .venv/bin/python tests/load/measure_view_counting.py \\
        --base http://127.0.0.1:8101 --slug how-mesotherapy-works --requests 2000 --concurrency 32

With DEBUG off each process adds its visits to Redis at most once a second
(VIEW_COUNT_PUSH_SECONDS), so "views counted" is read a second after the run;
set VIEW_COUNT_PUSH_SECONDS=0 on the server to see every visit at once.
"""

import argparse
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoguide.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from readership.counting import flush_all, view_count  # noqa: E402
from readership.models import ArticleViewCount  # noqa: E402

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def table_writes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # PostgreSQL 15+
        cursor.execute(
            "SELECT n_tup_upd + n_tup_ins FROM pg_stat_user_tables WHERE relname = %s",
            [ArticleViewCount._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def fetch(url):
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own server)
        response.read()
        return response.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8101")
    parser.add_argument("--slug", required=True)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    article = Article.objects.get(slug=args.slug)
    url = f"{args.base}/guide/{args.slug}/"
    before_count, before_writes = view_count(article), table_writes()
    started = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as pool:
        statuses = list(pool.map(fetch, [url] * args.requests))
    elapsed = time.monotonic() - started
    time.sleep(2)  # each worker adds its last visits within VIEW_COUNT_PUSH_SECONDS
    during_writes = table_writes() - before_writes
    counted = view_count(article) - before_count
    flush_all()
    stored = ArticleViewCount.objects.get(article=article).count
    print(
        f"requests: {len(statuses)} ({statuses.count(200)} OK) in {elapsed:.1f}s, concurrency {args.concurrency}"
    )
    print(f"views counted: {counted}")
    print(f"rows written to the view-count table during the run: {during_writes}")
    print(
        f"stored after a final flush: {stored} (flushed {table_writes() - before_writes - during_writes} more time(s))"
    )


if __name__ == "__main__":
    main()
