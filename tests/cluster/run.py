"""`make cluster-test`: MesoGuide on several app servers behind Varnish, proven end to end.

Starts two gunicorn app servers (production settings, on the machine's
PostgreSQL and Redis with a database and key prefix of their own) and Varnish
with deploy/varnish.vcl in front, then proves through Varnish:

1. a publish on one app server is visible on the other, and through the cache
   (article, home, topic, feeds, sitemap), within 1 s;
2. an unpublish disappears everywhere within 1 s, feeds and sitemap included,
   and a scheduled unpublication leaves Varnish at its moment with no cron run;
3. a logged-in editor's requests work on either server and through Varnish,
   which tells the app the scheme (never a client's own X-Forwarded-Proto) and
   takes PURGE and BAN only from its ACL;
4. view counts taken by both servers add up exactly;
5. requests/s of a cached article through Varnish beside the app's own page
   cache (wrk, when installed);
6. a rolling restart of both app servers under a steady load loses no request;
7. with one app server killed, the site keeps answering;
8. with every app server down, Varnish serves the pages it has (grace).

Settings from the environment: CLUSTER_DATABASE_URL (a database this test
drops and creates; default postgres://postgres@127.0.0.1:5432/mesoguide_cluster;
the machine's PostgreSQL is started if it is down, as CI does),
CLUSTER_REDIS_URL (default redis://127.0.0.1:6379/9; only keys under this run's
own prefix are written and removed; with no Redis there, the test runs its own
on that port), CLUSTER_PORT_BASE (first port to try; 0,
the default, takes any free ones), CLUSTER_KEEP_LOGS=1 keeps the logs directory.
Exits 0 when every check passed, 1 naming those that failed.
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.cluster import web  # noqa: E402
from tests.cluster.processes import ROOT, VARNISHADM, VARNISHD, Cluster  # noqa: E402

LIMIT = 1.0  # seconds: a change must show everywhere within this
failures = []


def check(ok, message):
    print(f"  {'ok  ' if ok else 'FAIL'} {message}")
    if not ok:
        failures.append(message)


def main():
    for tool in (VARNISHD, VARNISHADM):  # /usr/sbin may be off a user's PATH
        if not Path(tool).is_file():
            sys.exit(f"{tool} is missing: apt-get install varnish")
    cluster = Cluster(
        os.environ.get(
            "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mesoguide_cluster"
        ),
        os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/9"),
        int(os.environ.get("CLUSTER_PORT_BASE", "0")),
    )
    # SIGTERM (CI cancelling) and SIGHUP end the test the same way Ctrl-C does.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    try:
        run(cluster)
    finally:
        print("\n== Stopping the app servers and Varnish")
        cluster.stop()
    if failures:
        print(f"\n{len(failures)} check(s) failed:", *failures, sep="\n  - ")
        sys.exit(1)
    print("\nEvery check passed.")


def run(cluster):
    print(f"== Setting up ({cluster.dir})")
    cluster.ensure_services()
    cluster.create_database()
    cluster.manage("migrate", "--no-input", "-v", "0")
    made = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "-m", "tests.cluster.setup_data"],
        cwd=ROOT,
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    for name in ("app1", "app2"):
        cluster.start_app(name)
    cluster.start_varnish()
    app1, app2 = cluster.app_ports["app1"], cluster.app_ports["app2"]
    front = cluster.varnish_port
    print(f"   app servers on :{app1} and :{app2}, Varnish on :{front}")

    editor = web.Browser()
    login = editor.get(app1, "/admin/login/")
    answer = editor.post(
        app1,
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": editor.csrf_token(login),
            "username": data["editor"],
            "password": data["password"],
            "next": "/admin/",
        },
        "/admin/login/",
    )
    if answer.status != 302 or "sessionid" not in editor.cookies:
        raise RuntimeError(f"The editor could not log in on app1: {answer.status}")

    publish_and_unpublish(cluster, editor, data)
    scheduled_unpublish(cluster, data)
    editor_on_either_server(cluster, editor)
    view_counts_add_up(cluster, data)
    requests_per_second(cluster, data)
    rolling_restart(cluster, data)
    one_server_killed(cluster, data)
    stale_while_no_server_answers(cluster, data)


# --- 1 and 2 ----------------------------------------------------------------------------------

LISTINGS = ["/", "/topics/{topic}/", "/feeds/rss/", "/feeds/atom/", "/sitemap-articles.xml"]


def publish_and_unpublish(cluster, editor, data):
    app1, app2 = cluster.app_ports["app1"], cluster.app_ports["app2"]
    front = cluster.varnish_port
    listings = [path.format(topic=data["topic"]) for path in LISTINGS]
    coming, going = data["coming"]["slug"], data["going"]["slug"]

    print("\n== 1. A publish on app1 shows on app2 and through Varnish")
    for path in [*listings, f"/guide/{going}/"]:
        web.request(front, path)
        cached = web.request(front, path)
        check(
            cached.headers.get("x-cache") == "hit", f"{path} is cached by Varnish before the change"
        )
    check(
        web.request(front, f"/guide/{coming}/").status == 404, "the coming article is not out yet"
    )
    lifetime = web.request(app1, "/").headers.get("cache-control", "")
    found = re.search(r"s-maxage=(\d+)", lifetime)
    check(
        found and int(found.group(1)) > 86000, f"with purging on, pages may stay a day: {lifetime}"
    )
    onward = web.request(front, "/").headers.get("cache-control", "")
    check(
        "s-maxage=0" in onward, f"caches beyond Varnish (never purged) may not keep them: {onward}"
    )

    workflow(editor, app1, data["coming"]["pk"], "publish")
    shows = {
        "article through Varnish": lambda: web.request(front, f"/guide/{coming}/").status == 200,
        "article on app2": lambda: web.request(app2, f"/guide/{coming}/").status == 200,
        **{
            f"{path} through Varnish": (lambda p=path: coming in web.request(front, p).body)
            for path in listings
        },
    }
    times = {name: web.seconds_until(test, limit=5) for name, test in shows.items()}
    for name, seconds in times.items():
        check(seconds is not None and seconds <= LIMIT, f"published: {name} after {_s(seconds)}")
    publish_figure = max((s for s in times.values() if s is not None), default=None)
    still_right(shows)

    print("\n== 2. An unpublish on app2 disappears everywhere")
    for path in [f"/guide/{going}/", *listings]:
        web.request(front, path)
    workflow(editor, app2, data["going"]["pk"], "unpublish")
    gone = {
        "article through Varnish": lambda: web.request(front, f"/guide/{going}/").status == 404,
        "article on app1": lambda: web.request(app1, f"/guide/{going}/").status == 404,
        "article on app2": lambda: web.request(app2, f"/guide/{going}/").status == 404,
        **{
            f"{path} through Varnish": (lambda p=path: going not in web.request(front, p).body)
            for path in [*listings, "/sitemap.xml"]
        },
    }
    times = {name: web.seconds_until(test, limit=5) for name, test in gone.items()}
    for name, seconds in times.items():
        check(
            seconds is not None and seconds <= LIMIT,
            f"unpublished: {name} gone after {_s(seconds)}",
        )
    unpublish_figure = max((s for s in times.values() if s is not None), default=None)
    still_right(gone)
    print(
        f"\n   FIGURE time to visible through Varnish: publish {_s(publish_figure)}, "
        f"unpublish {_s(unpublish_figure)} (slowest of the pages above; limit {LIMIT} s)"
    )


def still_right(checks):
    """A front cache refilled just after the purge with an older copy would show it again:
    every page must still be right once any process's own copies have run out."""
    time.sleep(2)
    wrong = [name for name, test in checks.items() if not test()]
    check(not wrong, f"still right 2 s later {wrong or ''}")


def workflow(editor, port, pk, action):
    """Press the editor's workflow button `action` on the article's admin page."""
    page = f"/admin/articles/article/{pk}/change/"
    form = editor.get(port, page)
    version = re.search(
        rf'action="/admin/articles/article/{pk}/workflow/{action}/".*?name="version" value="(\d+)"',
        form.body,
        re.S,
    )
    if version is None:
        raise RuntimeError(f"No {action} button on {page} (status {form.status})")
    answer = editor.post(
        port,
        f"/admin/articles/article/{pk}/workflow/{action}/",
        {
            "csrfmiddlewaretoken": editor.csrf_token(form),
            "version": version.group(1),
            "note": "Cluster test",
        },
        page,
    )
    after = editor.get(port, page)
    check(
        answer.status == 302 and "not done" not in after.body,
        f"the editor's {action} on :{port} succeeded ({answer.status})",
    )


def scheduled_unpublish(cluster, data):
    print("\n== 2b. A scheduled unpublication reaches Varnish at its moment (no cron run)")
    front = cluster.varnish_port
    slug = "cluster-expiring"
    # Published with an unpublish time a few seconds ahead, as an operator's shell would.
    moment = cluster.manage(
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from articles.models import Topic; from tests import factories; "
        f"t = Topic.objects.get(slug='{data['topic']}'); "
        "until = timezone.now() + timedelta(seconds=15); "
        f"a = factories.draft_article(slug='{slug}', title='Expiring article', topic=t); "
        "factories.approve_and_publish(a, until=until); "
        "print(until.timestamp())",
    )
    at = float(moment.stdout.strip().splitlines()[-1])
    pages = [
        f"/guide/{slug}/",
        f"/topics/{data['topic']}/",
        "/feeds/atom/",
        "/sitemap-articles.xml",
    ]
    web.seconds_until(lambda: all(slug in web.request(front, p).body for p in pages), limit=5)
    for path in pages:
        answer = web.request(front, path)
        check(
            slug in answer.body and answer.headers.get("x-cache") == "hit",
            f"{path} shows it from Varnish before the moment "
            f"({answer.status}, {answer.headers.get('x-cache')}, {at - time.time():.1f} s to go)",
        )
    time.sleep(max(0, at - time.time()))
    late = {
        path: web.seconds_until(
            lambda p=path: (
                web.request(front, p).status == 404
                if p.startswith("/guide/")
                else slug not in web.request(front, p).body
            ),
            limit=5,
        )
        for path in pages
    }
    for path, seconds in late.items():
        check(
            seconds is not None and seconds <= LIMIT,
            f"scheduled: {path} through Varnish {_s(seconds)} after the moment",
        )
    print(
        f"   FIGURE scheduled unpublish through Varnish: {_s(max(late.values(), key=lambda v: v or 99))} after its moment"
    )


# --- 3 ----------------------------------------------------------------------------------------


def editor_on_either_server(cluster, editor):
    print(
        "\n== 3. An editor works on either server; the scheme is Varnish's; only app servers purge"
    )
    for name, port in [*cluster.app_ports.items(), ("Varnish", cluster.varnish_port)]:
        answer = editor.get(port, "/admin/articles/article/")
        check(
            answer.status == 200 and "Log out" in answer.body,
            f"the article list in the admin through {name}: {answer.status}",
        )
    token = "/forms/token/"  # never cached: every answer comes from an app server
    over_tls = web.request(cluster.varnish_tls_port, token, preamble=web.proxy_v2_over_tls())
    check(
        "strict-transport-security" in over_tls.headers,
        "a request that came over TLS (PROXY v2 from the terminator) is HTTPS to the app (HSTS)",
    )
    spoofed = web.request(cluster.varnish_port, token, headers={"X-Forwarded-Proto": "https"})
    check(
        "strict-transport-security" not in spoofed.headers,
        "a client's own X-Forwarded-Proto: https over plain HTTP is not passed on",
    )
    web.request(cluster.varnish_port, "/")
    for method in ("BAN", "PURGE"):
        refused = web.request(cluster.varnish_port, "/*", method=method, source="127.0.0.2")
        check(refused.status == 405, f"{method} from an address not in the ACL: {refused.status}")
    check(
        web.request(cluster.varnish_port, "/").headers.get("x-cache") == "hit",
        "the cache is intact after those",
    )
    home = editor.get(cluster.varnish_port, "/")
    check(
        home.headers.get("x-cache") == "pass"
        and "private" in home.headers.get("cache-control", ""),
        "the editor's pages through Varnish are passed, never cached or shared",
    )


# --- 4 ----------------------------------------------------------------------------------------


def view_counts_add_up(cluster, data):
    print("\n== 4. View counts from both servers add up")
    slug = data["steady"]["slug"]
    before = _stored_views(cluster, data["steady"]["pk"])
    sent = {"app1": 37, "app2": 23}
    for name, count in sent.items():
        for _ in range(count):
            web.request(cluster.app_ports[name], f"/guide/{slug}/")
    time.sleep(2.5)  # each worker adds its visits to the shared counter within a second
    cluster.manage("flush_view_counts")
    after = _stored_views(cluster, data["steady"]["pk"])
    check(
        after - before == sum(sent.values()),
        f"{sent['app1']} visits on app1 + {sent['app2']} on app2 = {after - before} stored",
    )


def _stored_views(cluster, pk):
    answer = cluster.manage(
        "shell",
        "-c",
        "from readership.models import ArticleViewCount as V; "
        f"print(getattr(V.objects.filter(article_id={pk}).first(), 'count', 0))",
    )
    return int(answer.stdout.strip().splitlines()[-1])


# --- 5 ----------------------------------------------------------------------------------------


def requests_per_second(cluster, data):
    print("\n== 5. Requests/s of a cached article (wrk -t2 -c16 -d5s)")
    if shutil.which("wrk") is None:
        print("   wrk is not installed: skipped (apt-get install wrk)")
        return
    path = f"/guide/{data['steady']['slug']}/"
    figures = {}
    for name, port in (
        ("through Varnish", cluster.varnish_port),
        ("app1's page cache", cluster.app_ports["app1"]),
    ):
        web.request(port, path)
        output = subprocess.run(  # noqa: S603 (our own commands)
            [
                shutil.which("wrk"),
                "-t2",
                "-c16",
                "-d5s",
                "-H",
                "Accept-Encoding: gzip",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figures[name] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        check(errors is None, f"wrk {name}: every answer 200")
    varnish, app = figures["through Varnish"], figures["app1's page cache"]
    print(
        f"   FIGURE cached article: {varnish:.0f} req/s through Varnish, {app:.0f} req/s "
        f"from one app server's page cache (x{varnish / app:.1f})"
    )


# --- 6 and 7 ----------------------------------------------------------------------------------


class SteadyLoad:
    """`clients` readers through Varnish, each pausing `pause` s between requests: half
    for the cached article, half for an address Varnish has not seen (reaching an app server)."""

    def __init__(self, port, slug, clients=4, pause=0.02):
        self.port, self.slug, self.clients, self.pause = port, slug, clients, pause
        self.requests = self.errors = 0
        self.examples = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._reader, daemon=True) for _ in range(clients)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _reader(self):
        while not self._stop.is_set():
            path = f"/guide/{self.slug}/"
            if random.random() < 0.5:  # noqa: S311 (not for security)
                path += f"?from=load-{random.getrandbits(40):x}"  # noqa: S311
            try:
                answer = web.request(self.port, path, timeout=30)
                failed = None if answer.status == 200 else f"{answer.status} for {path}"
            except OSError as error:
                failed = f"{error} for {path}"
            with self._lock:
                self.requests += 1
                if failed:
                    self.errors += 1
                    self.examples.append(failed)
            time.sleep(self.pause)


def rolling_restart(cluster, data):
    print("\n== 6. A rolling restart of both app servers under load")
    started = time.monotonic()
    with SteadyLoad(cluster.varnish_port, data["steady"]["slug"]) as load:
        time.sleep(1)
        for name in ("app1", "app2"):
            # Take it out of Varnish's rotation, let its requests finish, replace it,
            # and put it back once its probe says it is ready.
            cluster.varnishadm("backend.set_health", name, "sick")
            time.sleep(0.5)
            cluster.stop_app(name)
            cluster.start_app(name)
            cluster.varnishadm("backend.set_health", name, "auto")
            web.seconds_until(lambda n=name: cluster.backend_healthy(n), limit=10, every=0.1)
            print(f"   {name} replaced after {time.monotonic() - started:.1f} s")
        time.sleep(1)
    elapsed = time.monotonic() - started
    print(
        f"   FIGURE rolling restart: {load.requests} requests in {elapsed:.1f} s "
        f"({load.requests / elapsed:.0f}/s from {load.clients} readers), {load.errors} errors"
    )
    check(load.errors == 0, f"no request lost during the rolling restart {load.examples[:3]}")
    check(load.requests > 100, "the load kept running throughout")


def one_server_killed(cluster, data):
    print("\n== 7. One app server killed (SIGKILL, no warning)")
    with SteadyLoad(cluster.varnish_port, data["steady"]["slug"]) as load:
        time.sleep(0.5)
        cluster.stop_app("app2", signal.SIGKILL)
        killed_at = time.monotonic()
        time.sleep(3)
        after = time.monotonic() - killed_at
    direct = web.request(cluster.app_ports["app1"], "/readyz").status
    print(
        f"   FIGURE one server killed: {load.requests} requests, {load.errors} errors ({after:.1f} s after the kill)"
    )
    check(load.errors == 0, f"every request answered with app2 killed {load.examples[:3]}")
    check(direct == 200, "app1 still ready")


def stale_while_no_server_answers(cluster, data):
    print("\n== 8. Every app server down: Varnish serves the last copies (grace)")
    front = cluster.varnish_port
    # A publication scheduled a few seconds ahead: every page's lifetime ends then.
    # Far enough that the pages are fetched well before it, even on a busy machine
    # (the command alone takes seconds): a page built under a second before it
    # gets s-maxage=0, which Varnish keeps for no grace at all.
    moment = float(
        cluster.manage(
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from tests import factories; at = timezone.now() + timedelta(seconds=15); "
            "factories.approve_and_publish(factories.draft_article(slug='cluster-later'), at=at); "
            "print(at.timestamp())",
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    # Addresses Varnish has not seen, on which the new article will show: fetched now,
    # each may be kept only until the moment.
    pages = [f"{path}?grace=1" for path in ("/", "/feeds/atom/", "/sitemap-articles.xml")]
    for path in pages:
        lifetime = web.request(cluster.app_ports["app1"], path).headers.get("cache-control", "")
        found = re.search(r"s-maxage=(\d+)", lifetime)
        check(
            web.request(front, path).status == 200
            and found
            and int(found.group(1)) <= moment - time.time() + 1,
            f"{path} cached by Varnish until the moment ({lifetime})",
        )
    cluster.stop_app("app1", signal.SIGKILL)
    web.seconds_until(lambda: not cluster.backend_healthy("app1"), limit=10, every=0.1)
    time.sleep(max(0, moment - time.time()) + 1)
    for path in pages:
        answer = web.request(front, path)
        check(
            answer.status == 200 and int(answer.headers.get("age", 0)) > 0,
            f"{path}: the copy past its lifetime, {answer.status}, age {answer.headers.get('age')} s",
        )
    never_cached = web.request(front, f"/guide/{data['steady']['slug']}/?never=cached")
    check(never_cached.status == 503, f"a page never cached: {never_cached.status}")


def _s(seconds):
    return "never (5 s)" if seconds is None else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
