"""The home page rebuilt, as production runs it, with 10,000 articles on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<fresh database> \\
        .venv/bin/python bench/home_rebuilt.py [--measure-only] [--profile]

Issue 16: at most 5 ms of CPU in the app process. The site runs as in
production: DEBUG off, the page cache and its parts in Redis (BENCH_CACHE_URL,
default redis://127.0.0.1:6379/15, under keys of this run only), SITE_URL set,
HTTPS from a trusted proxy, the page cache off (PAGE_CACHE_SECONDS=0) so every
request rebuilds the page. Requests go to mesoguide.wsgi.application called
in-process with a WSGI environ, as gunicorn calls it.

The database named is filled first (create it empty; migrate makes its
tables): the launch content and 10,000 synthetic published articles.
--measure-only reuses a database filled before.

Printed: this process's CPU time per request, p50 and p99 in milliseconds
(the database server's own work is in its process): from kept parts, as every
rebuild within an hour of the last change, and after a publication (before each
request, one article's card changed and the home page's and its topic's paths
refreshed, as publishing an article in that topic does). --profile prints where the time after a
publication goes (cProfile).
"""

import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "")
PROXY_HEADER = "X-Forwarded-Proto: https"
ROUNDS = 300

if __name__ == "__main__":
    if not URL.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a throwaway PostgreSQL database.")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mesoguide.settings",
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
        DATABASE_URL=URL,
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15"),
        # Keys of this run only: nothing else in that Redis database is touched.
        CACHE_KEY_PREFIX=f"bench-home-{secrets.token_hex(4)}",
        EMAIL_URL="consolemail://",
        SITE_URL="https://localhost",
        PUBLISHER_NAME="Benchmark run (no real publisher)",
        PUBLISHER_ADDRESS="Nowhere",
        PRIVACY_EMAIL="nobody@localhost.invalid",
        SECURE_PROXY_SSL_HEADER=PROXY_HEADER,
        FORWARDED_ALLOW_IPS="127.0.0.1",
        PAGE_CACHE_SECONDS="0",
    )


def prepare():
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("import_content", verbosity=0)
    call_command("generate_synthetic_articles", 10_000, allow_production=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would soon after such a load


def collect_static():
    # DEBUG off serves hashed names from the manifest, as in production.
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def home_environ():
    """A reader's GET of the home page through the site's HTTPS proxy (a WSGI environ)."""
    name, value = PROXY_HEADER.split(": ")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "HTTP_ACCEPT": "text/html",
        "HTTP_" + name.upper().replace("-", "_"): value,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def get_home(application):
    """The home page's body, as a WSGI server fetches it; exits on any status but 200."""
    statuses = []
    result = application(home_environ(), lambda status, headers: statuses.append(status))
    try:
        body = b"".join(result)
    finally:
        result.close()  # Django's request_finished, as a server calls it
    if statuses != ["200 OK"]:
        sys.exit(f"home: {statuses}")
    return body


def cpu_per_request(application, before=None, rounds=ROUNDS):
    """Sorted CPU milliseconds of `rounds` home-page requests, `before()` run untimed before each."""
    get_home(application)
    cpu = []
    for _ in range(rounds):
        if before:
            before()
        started = time.process_time()
        get_home(application)
        cpu.append((time.process_time() - started) * 1000)
    return sorted(cpu)


def a_publication():
    """What publishing an article changes on the home page: its card (here its "Updated"
    date, written behind the site's back) and the refresh of the home page and its topic."""
    from django.utils import timezone

    from articles.models import Article, Topic
    from pagecache.refresh import refresh

    topic = Topic.objects.order_by("order").first()
    article = Article.objects.published().filter(topic=topic).order_by("order", "slug")[:1]

    def publish():
        Article.objects.filter(pk__in=article).update(last_published_at=timezone.now())
        refresh({"/", topic.get_absolute_url()})

    return publish


def measure(profile=False):
    from mesoguide.wsgi import application

    published = a_publication()
    for label, before in (("from kept parts", None), ("after a publication", published)):
        cpu = cpu_per_request(application, before)
        print(
            f"home rebuilt, {label}: CPU p50 {statistics.median(cpu):.2f} ms, "
            f"p99 {cpu[int(len(cpu) * 0.99) - 1]:.2f} ms per request ({len(cpu)} requests)",
            flush=True,
        )
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU: not the database's time
        for _ in range(100):
            published()
            profiler.runcall(get_home, application)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)


if __name__ == "__main__":
    import django

    django.setup()
    from bench.leftovers import forget_cache_keys

    try:
        if "--measure-only" not in sys.argv:
            prepare()
        collect_static()
        measure(profile="--profile" in sys.argv)
    finally:
        # This run's keys only (its own prefix): nothing else in that database.
        forget_cache_keys(os.environ["CACHE_URL"], os.environ["CACHE_KEY_PREFIX"])
