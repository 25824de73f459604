"""gunicorn settings for production, every value from the environment.

gunicorn reads this file from the working directory by itself, so
`gunicorn mesoguide.wsgi` (the Docker entry point, `make serve`) uses it.
"""

import gc
import multiprocessing
import os
from pathlib import Path


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104 (a server)
# Sync workers: one request at a time each, the page cache keeps requests short.
# WEB_CONCURRENCY is the usual name platforms set; default 2 per core + 1.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, staggered so they never restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# Load Django once, before forking: faster worker starts, shared memory.
preload_app = True
# Heartbeat files on a RAM disk when there is one (containers' /tmp may be slow).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108

# One line per request on standard output: method, path (no query string,
# which may hold tokens), status, bytes and duration in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No run-time control socket: workers are managed by signals and restarts.
control_socket_disable = True
# The proxies allowed to say a request came over HTTPS, and how: X-Forwarded-Proto
# with exactly "https", nothing else (gunicorn would also take X-Forwarded-Ssl
# and X-Forwarded-Protocol). Django checks the same (mesoguide/client_ip.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}


def when_ready(server):
    """Build once, in the master, what Django otherwise builds lazily in each worker
    (URL patterns, compiled templates), so that every worker, including each one
    max_requests replaces, answers its first request as fast as its last."""
    from mesoguide.warm_up import warm_up

    warm_up()
    # What the master built lives as long as the workers: keep it out of the
    # garbage collector's full passes (shorter pauses, pages shared after fork).
    gc.freeze()
