"""Search latency with 10,000 published articles and large drafts, on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mesoguide_bench_search \\
        .venv/bin/python bench/search.py [--measure-only]

The database named (create it fresh: its tables are made by migrate) is filled: the launch content, 10,000 synthetic
published articles and five unpublished 2 MB drafts (--measure-only reuses a
database filled before). It runs with DEBUG on and a per-process cache. Then each of 200 distinct
queries (none answered from the results cache, no rate limit) goes through the
whole search view in-process, as Django's test client sends it; the figures
are the view's time per request, p50, p99 and max, in milliseconds. Target
(issue 15): p99 under 50 ms.

The home page rebuilt is measured as production runs it by bench/home_rebuilt.py.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "")
if not URL.startswith("postgres"):
    sys.exit("Set BENCH_DATABASE_URL to a throwaway PostgreSQL database.")
os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="mesoguide.settings", DEBUG="on")
# Connections kept between requests as in production, with their prepared statements.
os.environ.setdefault("CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles import search  # noqa: E402
from articles.models import Article  # noqa: E402
from mesoguide.ratelimit import RateLimit  # noqa: E402
from tests import factories  # noqa: E402

WORDS = (
    "bruising swelling allergy patch test sessions weeks cellulite mesotherapy injections "
    "deoxycholate phosphatidylcholine provider register infection doctor cost insurance "
    "synthetic article generated measure skin fat dimples evidence review trial"
).split()


def prepare():
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("import_content", verbosity=0)
    call_command("generate_synthetic_articles", 10_000, verbosity=0)
    big = "## Draft\n\n" + "An unpublished draft that nobody may search. " * 45_000  # ~2 MB
    for n in range(5):
        factories.draft_article(slug=f"big-draft-{n}", title=f"Draft {n}", body=big[:290_000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would soon after such a load
    print(f"{Article.objects.count():,} documents; search index prepared")


def measure():
    search.SEARCH_RATE_LIMIT = RateLimit("search", limit=10**9, per_seconds=60)
    client = Client()
    rng = random.Random(1)  # noqa: S311 (picks benchmark words, nothing secret)
    queries = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" {n}" for n in range(200)]
    queries[:3] = ["synthetic", "bruising", "nothingmatchesthis"]
    client.get("/search/", {"q": "warm up"})
    times = []
    for query in queries:
        # distinct queries: each misses the results cache; the page's kept parts stay
        started = time.perf_counter()
        response = client.get("/search/", {"q": query})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{query!r}: status {response.status_code}")
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"{len(times)} searches: p50 {statistics.median(times):.1f} ms, "
        f"p99 {p99:.1f} ms, max {times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    if "--measure-only" not in sys.argv:
        prepare()
    measure()
