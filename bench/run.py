"""`make bench`: how fast is one machine? Prints one table from one run.

Sets up a throwaway production site (DEBUG off, SQLite in a temporary
directory unless BENCH_DATABASE_URL is given, the Redis cache), starts two
gunicorns on 127.0.0.1 with gunicorn.conf.py (one with the page cache, one
with PAGE_CACHE_SECONDS=0: the public site itself offers no way round its
cache) and measures with wrk, all with the same load:

- a static file served by whitenoise (the baseline),
- an article page from the page cache (the same bytes for every reader:
  cached pages carry no CSRF token, so there is no first-visit or
  returning-reader difference to measure),
- the home page from the page cache,
- an article page uncached,
- the home page uncached, for reference (no target: it is rebuilt once
  after each publication, and readers get it from the cache otherwise).

Requests go over plain HTTP with X-Forwarded-Proto: https, as from a
TLS-terminating proxy, and with a browser's User-Agent, so that every article
request is counted as a reader's visit (readership/counting.py), as in production. It prints requests/s, p50 and p99 per URL and each
as a ratio to the static file, and exits non-zero if any request failed.

Environment: BENCH_CACHE_URL (default redis://127.0.0.1:6379/15),
BENCH_DATABASE_URL, BENCH_PORT (default: any free port; the uncached server
takes the next one), BENCH_ROUNDS (3), BENCH_DURATION (seconds per URL and
round, 5), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
BENCH_SYNTHETIC_ARTICLES (extra articles, default 0), WEB_CONCURRENCY
(gunicorn workers), BENCH_STRICT=1 (also fail when a target is missed).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
ARTICLE = "/guide/how-mesotherapy-works/"
PROXY_HEADER = "X-Forwarded-Proto: https"
BROWSER_HEADER = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
TARGETS = {"article (cached)": 0.9, "article (uncached)": 0.35}
P99_TARGET_MS = 30.0
# The rows the targets are for; the rebuilt home page is measured for reference
# (it is rebuilt once per publication, every other visit is a cache hit).
P99_ROWS = ("static file", "article (cached)", "home (cached)", "article (uncached)")


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def env_setting(name, default):
    return os.environ.get(name) or default


def free_port(avoid=None):
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != avoid:
            return port


def site_environment(workdir):
    return {
        **os.environ,
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": env_setting("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        "CACHE_URL": env_setting("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15"),
        # Keys of this run only: nothing else in that Redis database is touched.
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": "https://localhost",
        "PUBLISHER_NAME": "Benchmark run (no real publisher)",
        "PUBLISHER_ADDRESS": "Nowhere",
        "PRIVACY_EMAIL": "nobody@localhost.invalid",
        "SECURE_PROXY_SSL_HEADER": PROXY_HEADER,
        "HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
    }


def manage(environment, *args):
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_site(environment):
    print("Preparing a throwaway production site ...", flush=True)
    manage(environment, "migrate", "--no-input", "-v", "0")
    manage(environment, "import_content", "-v", "0")
    extra = int(env_setting("BENCH_SYNTHETIC_ARTICLES", "0"))
    if extra:
        manage(environment, "generate_synthetic_articles", str(extra), "--allow-production")
    manage(environment, "collectstatic", "--no-input", "-v", "0")


def fetch(base, path):
    request = urllib.request.Request(base + path, headers=dict([PROXY_HEADER.split(": ")]))  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own server)
        return response.status, dict(response.headers), response.read().decode()


class Gunicorn:
    """gunicorn on 127.0.0.1 with this environment, stopped on exit."""

    def __init__(self, environment, port, log):
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(  # noqa: S603
            [GUNICORN, "mesoguide.wsgi:application"],
            cwd=ROOT,
            env={**environment, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited at start-up; see the log above.")
            try:
                if fetch(self.base, "/readyz")[0] == 200:
                    return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise SystemExit("gunicorn did not become ready in 30 s.")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(base, name, path, headers=()):
    duration = env_setting("BENCH_DURATION", "5")
    connections = env_setting("BENCH_CONNECTIONS", "16")
    threads = env_setting("BENCH_THREADS", "2")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    extra = [argument for header in headers for argument in ("-H", header)]
    output = subprocess.run(  # noqa: S603
        [*command, "-H", PROXY_HEADER, "-H", BROWSER_HEADER, *extra, base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Result(
        name=name,
        path=path,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=_errors(output),
    )


def _latency(output, percentile):
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _errors(output):
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )


def warm_up(base, paths, expect_cache):
    for path in paths:
        for _ in range(20):
            status, headers, _ = fetch(base, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} during warm-up.")
        cache_state = headers.get("X-Page-Cache")
        if expect_cache.get(path) and cache_state != expect_cache[path]:
            raise SystemExit(
                f"{path}: expected a page-cache {expect_cache[path]}, got {cache_state}."
            )


def static_path(base):
    html = fetch(base, "/")[2]
    return re.search(
        r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]+\.css)"', html
    ).group(1)


def print_table(results):
    baseline = results[0].requests_per_second
    print()
    print(
        f"{'':36} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'x static':>9} "
        f"{'requests':>9} {'errors':>7}  path"
    )
    for r in results:
        print(
            f"{r.name:36} {r.requests_per_second:11.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.requests_per_second / baseline:9.2f} {r.requests:9d} {r.errors:7d}  {r.path}"
        )


def check_targets(results):
    baseline = results[0].requests_per_second
    by_name = {r.name: r for r in results}
    missed = []
    for name, ratio in TARGETS.items():
        achieved = by_name[name].requests_per_second / baseline
        if achieved < ratio:
            missed.append(f"{name}: {achieved:.2f}x the static file (target {ratio}x)")
    missed += [
        f"{r.name}: p99 {r.p99_ms:.1f} ms (target {P99_TARGET_MS:.0f} ms)"
        for r in results
        if r.name in P99_ROWS and r.p99_ms > P99_TARGET_MS
    ]
    return missed


def median_result(runs):
    def middle(values):
        return sorted(values)[len(values) // 2]

    return Result(
        name=runs[0].name,
        path=runs[0].path,
        requests_per_second=middle([r.requests_per_second for r in runs]),
        p50_ms=middle([r.p50_ms for r in runs]),
        p99_ms=middle([r.p99_ms for r in runs]),
        requests=sum(r.requests for r in runs),
        errors=sum(r.errors for r in runs),
    )


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk (Debian/Ubuntu: apt-get install wrk).")
    workdir = Path(tempfile.mkdtemp(prefix="mesoguide-bench-"))
    environment = site_environment(workdir)
    # Two ports the system says are free; BENCH_PORT picks the first, the next one follows.
    port = int(env_setting("BENCH_PORT", "0")) or free_port()
    uncached_port = port + 1 if os.environ.get("BENCH_PORT") else free_port(avoid=port)
    rounds = int(env_setting("BENCH_ROUNDS", "3"))
    prepare_site(environment)
    uncached_environment = {**environment, "PAGE_CACHE_SECONDS": "0"}
    runs = {}
    with (
        (workdir / "gunicorn.log").open("w") as log,
        Gunicorn(environment, port, log) as cached,
        Gunicorn(uncached_environment, uncached_port, log) as uncached,
    ):
        static = static_path(cached.base)
        warm_up(cached.base, [static, ARTICLE, "/"], {ARTICLE: "hit", "/": "hit"})
        warm_up(uncached.base, [ARTICLE, "/"], {})
        plan = [
            ("static file", cached.base, static, ()),
            ("article (cached)", cached.base, ARTICLE, ()),
            ("home (cached)", cached.base, "/", ()),
            ("article (uncached)", uncached.base, ARTICLE, ()),
            ("home (uncached)", uncached.base, "/", ()),
        ]
        print(f"Measuring with wrk, {rounds} rounds, each URL in turn ...", flush=True)
        # Rounds, each URL in turn, and the median of each: a busy moment on
        # the machine then spoils one sample, not one row.
        for _ in range(rounds):
            for name, base, path, headers in plan:
                runs.setdefault(name, []).append(wrk(base, name, path, headers))
    results = [median_result(samples) for samples in runs.values()]
    print_table(results)
    print(
        f"\n{os.cpu_count()} cores; {environment['DATABASE_URL'].split(':')[0]}, "
        f"{environment['CACHE_URL'].split(':')[0]} cache; medians of {rounds} rounds of wrk "
        f"-t{env_setting('BENCH_THREADS', '2')} -c{env_setting('BENCH_CONNECTIONS', '16')} "
        f"-d{env_setting('BENCH_DURATION', '5')}s per URL; gunicorn log: {workdir / 'gunicorn.log'}"
    )
    missed = check_targets(results)
    for line in missed:
        print("Target missed:", line)
    if not missed:
        print("All targets met.")
    failed = sum(r.errors for r in results)
    if failed:
        print(f"{failed} requests failed.")
        return 1
    if missed and os.environ.get("BENCH_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
