"""Do the cache-key and search attacks degrade cached pages? Requests/s of a
cached page with each attack running, against without, in one run.

Sets up a throwaway production site as `make bench` does (bench/run.py: DEBUG
off, SQLite in a temporary directory, the Redis at BENCH_CACHE_URL under a
prefix of its own, gunicorn with gunicorn.conf.py) on 127.0.0.1 only, then:

1. readers alone: --readers processes fetch the cached article page over
   keep-alive connections for --duration seconds;
2. the same readers while --attackers processes ask for cached pages plainly
   (the cost of that much ordinary extra load on a saturated machine);
3. the same readers while the attackers ask for the same cached pages in
   crafted spellings, each request new: Host ports, case and trailing dots,
   `?page=` in other digits, junk parameters (issue 15: `/` fell from 1,671
   to 51 requests/s);
4. the same readers while the attackers search, each query new, so none is
   answered from the results cache (issue 15: six concurrent searches stalled
   a cached page for 25 s); the search limit answers most of them with 429;

in --rounds rounds, and prints the readers' median requests/s in each phase,
what the attackers sent, and how many page keys the attack added to Redis.
The attack no longer degrades cached pages when phase 3 is about phase 2.
Bounded: loopback only, each phase at most 30 s and MAX_REQUESTS requests per
process, so it always stops by itself.

    .venv/bin/python tests/load/cache_key_attack.py [--duration 3] [--rounds 3] \\
        [--readers 2] [--attackers 2]
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    BROWSER_HEADER,
    Gunicorn,
    free_port,
    prepare_site,
    site_environment,
    warm_up,
)

ARTICLE = "/guide/how-mesotherapy-works/"
TOPIC = "/topics/how-it-works/"
MAX_DURATION = 30
MAX_REQUESTS = 200_000
HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": BROWSER_HEADER.split(": ", 1)[1]}
OTHER_DIGITS = ["١", "۱", "१", "১", "๑", "１", "𝟏"]  # noqa: RUF001


def reader(port, seconds):
    """Fetch the cached article again and again; (requests, failures)."""
    return _loop(port, seconds, lambda rng: ("127.0.0.1", ARTICLE))


def attacker(port, seconds):
    """Ask for cached pages in a new spelling each time; (requests, failures)."""

    def crafted(rng):
        host = rng.choice(["127.0.0.1", "localhost", "LocalHost", "localhost."])
        host += f":{rng.randrange(1, 65536)}"
        path = rng.choice([ARTICLE, TOPIC, "/"])
        query = f"?junk{rng.randrange(10**9)}=1"
        if path == TOPIC:
            query += "&page=" + quote(rng.choice([*OTHER_DIGITS, "01", "001", "1"]))
        return host, path + query

    return _loop(port, seconds, crafted, attack=True)


WORDS = ["bruising", "patch", "sessions", "allergy", "cellulite", "skin", "weeks", "test"]


def search_attacker(port, seconds):
    """Search with a new query each time (each misses the results cache)."""

    def query(rng):
        words = "+".join(rng.sample(WORDS, 2)) + f"+{rng.randrange(10**9)}"
        return "127.0.0.1", f"/search/?q={words}"

    return _loop(port, seconds, query, attack=True)


def _loop(port, seconds, next_request, attack=False):
    rng = random.Random(os.getpid())  # noqa: S311 (test input, not secrets)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    deadline = time.monotonic() + seconds
    done = failed = 0
    while time.monotonic() < deadline and done < MAX_REQUESTS:
        host, path = next_request(rng)
        try:
            connection.request("GET", path, headers={**HEADERS, "Host": host})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200 or (attack and response.status in (400, 404, 429))
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            ok = False
        done += 1
        failed += not ok
    connection.close()
    return done, failed


def plain_load(port, seconds):
    """The same number of extra requests as the attack, all plain: what a burst of
    ordinary readers costs, to compare the attack with."""
    return _loop(port, seconds, lambda rng: ("127.0.0.1", rng.choice([ARTICLE, TOPIC, "/"])))


def run_phase(port, seconds, readers, others=0, other=None):
    """(readers' requests/s, readers' failures, others' requests, others' failures)."""
    with ProcessPoolExecutor(readers + others) as pool:
        started = time.monotonic()
        reads = [pool.submit(reader, port, seconds) for _ in range(readers)]
        extra = [pool.submit(other, port, seconds) for _ in range(others)]
        read_results = [f.result() for f in reads]
        extra_results = [f.result() for f in extra]
        elapsed = time.monotonic() - started
    return (
        sum(n for n, _ in read_results) / elapsed,
        sum(f for _, f in read_results),
        sum(n for n, _ in extra_results),
        sum(f for _, f in extra_results),
    )


def page_keys(environment):
    import redis

    client = redis.Redis.from_url(environment["CACHE_URL"])
    return sum(1 for _ in client.scan_iter(f"{environment['CACHE_KEY_PREFIX']}:*page:v*"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--attackers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    seconds = min(options.duration, MAX_DURATION)
    workdir = Path(tempfile.mkdtemp(prefix="mesoguide-attack-"))
    environment = {
        **site_environment(workdir),
        "SITE_URL": "https://localhost",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
    }
    prepare_site(environment)
    port = free_port()
    with (
        (workdir / "gunicorn.log").open("w") as log,
        Gunicorn(environment, port, log) as site,
    ):
        warm_up(site.base, [ARTICLE, TOPIC, "/"], {ARTICLE: "hit", TOPIC: "hit", "/": "hit"})
        keys_before = page_keys(environment)
        phases = {
            "readers alone": (0, None),
            "readers + as many plain requests": (options.attackers, plain_load),
            "readers + the attack": (options.attackers, attacker),
            "readers + a search attack": (options.attackers, search_attacker),
        }
        samples = {name: [] for name in phases}
        # Rounds, each phase in turn, medians: a busy moment on a shared machine
        # then spoils one sample, not one row.
        for _ in range(options.rounds):
            for name, (others, other) in phases.items():
                samples[name].append(run_phase(port, seconds, options.readers, others, other))
        keys_added = page_keys(environment) - keys_before
    median = {name: statistics.median(r[0] for r in runs) for name, runs in samples.items()}
    failed = sum(r[1] for runs in samples.values() for r in runs)
    attack = samples["readers + the attack"]
    sent = sum(r[2] for r in attack)
    alone = median["readers alone"]
    print(
        f"\nThe cached article page, {options.readers} reader processes (medians of {options.rounds} rounds):"
    )
    for name, rate in median.items():
        others = statistics.median(r[2] for r in samples[name]) / seconds
        extra = f"; the others {others:.0f}/s" if others else ""
        print(f"  {name:34} {rate:7.0f} requests/s  {rate / alone:5.2f}x alone{extra}")
    print(
        f"  attack: {sent} requests ({sent / (seconds * options.rounds):.0f}/s), "
        f"{sum(r[3] for r in attack)} not answered 200/400/404; "
        f"page keys it added to Redis: {keys_added}"
    )
    searches = samples["readers + a search attack"]
    sent = sum(r[2] for r in searches)
    print(
        f"  search attack: {sent} searches ({sent / (seconds * options.rounds):.0f}/s), "
        f"{sum(r[3] for r in searches)} not answered 200 or 429"
    )
    print(
        f"{options.attackers} attacker processes, {seconds:g} s per phase, "
        f"WEB_CONCURRENCY={environment['WEB_CONCURRENCY']}, {os.cpu_count()} cores; "
        f"gunicorn log: {workdir / 'gunicorn.log'}"
    )
    if failed:
        print(f"{failed} reader requests failed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
