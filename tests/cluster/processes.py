"""Start and stop what the cluster test runs: two gunicorn app servers and Varnish in
front, on the machine's PostgreSQL and Redis (a database and key prefix of their own).

Every process is started in its own session, so stopping it stops its children
(gunicorn's workers) too, and Cluster.stop() is called however the test ends.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from . import web

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"


def free_port(base):
    """A port nobody listens on: the first free from `base` (0: any the system gives)."""
    for port in range(base, base + 200) if base else [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"No free port from {base}")


class Cluster:
    def __init__(self, database_url, redis_url, port_base=0):
        self.dir = Path(tempfile.mkdtemp(prefix="mesoguide-cluster-"))
        self.database_url = database_url
        self.redis_url = redis_url
        self.key_prefix = f"cluster-{secrets.token_hex(4)}"
        ports = []
        for _ in range(5):
            ports.append(
                free_port((ports[-1] + 1) if ports else port_base) if port_base else free_port(0)
            )
        self.app_ports = {"app1": ports[0], "app2": ports[1]}
        self.varnish_port, self.varnish_admin_port = ports[2], ports[3]
        # Where a TLS terminator (hitch, haproxy) hands Varnish its connections.
        self.varnish_tls_port = ports[4]
        self.apps = {}
        self.varnish = None
        self.own_redis = None
        self._database_created = False

    # --- the environment every app server shares --------------------------------------

    def env(self, **extra):
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLUSTER_"))},
            "DEBUG": "off",
            "SECRET_KEY": "cluster-test-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.varnish_port}",
            "DATABASE_URL": self.database_url,
            "CACHE_URL": self.redis_url,
            "CACHE_KEY_PREFIX": self.key_prefix,
            "EMAIL_URL": "consolemail://",
            "PUBLISHER_NAME": "Cluster test (no real publisher)",
            "PUBLISHER_ADDRESS": "Nowhere",
            "PRIVACY_EMAIL": "nobody@localhost.invalid",
            # Plain HTTP (no redirect to HTTPS), Varnish the only proxy.
            "SECURE_SSL_REDIRECT": "off",
            # HTTPS as Varnish says it (deploy/varnish.vcl): seen in HSTS, sent only over it.
            "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
            "SECURE_HSTS_SECONDS": "60",
            "NUM_PROXIES": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "FRONTEND_CACHE_BACKEND": "http",
            "FRONTEND_CACHE_HTTP_SERVERS": f"http://127.0.0.1:{self.varnish_port}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_GRACEFUL_TIMEOUT": "10",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "INFO",
            # Static files as collected would be, without writing staticfiles/.
            "DJANGO_SETTINGS_MODULE": "tests.production_settings",
            **extra,
        }

    def manage(self, *args):
        """Run manage.py with the app servers' settings; its output, or an error showing it."""
        done = subprocess.run(  # noqa: S603 (our own commands)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    # --- PostgreSQL and Redis -----------------------------------------------------------

    def ensure_services(self):
        """Start the machine's PostgreSQL if it is down (as CI does), and a Redis of this
        test's own if none answers at CLUSTER_REDIS_URL."""
        import psycopg
        import redis

        admin = urlsplit(self.database_url)._replace(path="/postgres").geturl()
        try:
            psycopg.connect(admin, connect_timeout=3).close()
        except psycopg.OperationalError:
            versions = (
                sorted(Path("/etc/postgresql").glob("*")) if shutil.which("pg_ctlcluster") else []
            )
            if not versions:
                raise RuntimeError(f"PostgreSQL does not answer at {admin}") from None
            subprocess.run(  # noqa: S603 (our own command)
                [
                    shutil.which("pg_ctlcluster"),
                    "--skip-systemctl-redirect",
                    versions[-1].name,
                    "main",
                    "start",
                ],
                check=True,
            )
        try:
            redis.Redis.from_url(self.redis_url, socket_connect_timeout=2).ping()
        except redis.exceptions.ConnectionError:
            port = urlsplit(self.redis_url).port or 6379  # nobody answers there
            self.own_redis = subprocess.Popen(  # noqa: S603 (our own command)
                [shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1",
                 "--port", str(port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            if web.seconds_until(lambda: _redis_answers(self.redis_url), 10, 0.1) is None:
                raise RuntimeError("redis-server did not start") from None

    def create_database(self):
        import psycopg

        url = urlsplit(self.database_url)
        name = url.path.lstrip("/")
        admin = url._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        self._database_created = True

    def _drop_database(self):
        import psycopg

        url = urlsplit(self.database_url)
        admin = url._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.path.lstrip("/")}" WITH (FORCE)')

    def _forget_cache_keys(self):
        import redis

        client = redis.Redis.from_url(self.redis_url)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])

    # --- app servers --------------------------------------------------------------------

    def start_app(self, name):
        log = open(self.dir / f"{name}.log", "a")  # noqa: SIM115 (kept for the process's life)
        self.apps[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            [str(VENV_BIN / "gunicorn"), "mesoguide.wsgi:application"],
            cwd=ROOT,
            env=self.env(PORT=str(self.app_ports[name])),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = web.seconds_until(lambda: self._answers(self.app_ports[name], "/readyz"), 60, 0.1)
        if ready is None:
            raise RuntimeError(f"{name} did not start: see {self.dir / f'{name}.log'}")

    def stop_app(self, name, sig=signal.SIGTERM, wait=30):
        """Stop app server `name` (SIGTERM: gunicorn finishes the requests it has)."""
        process = self.apps.pop(name, None)
        if process is None or process.poll() is not None:
            return
        _signal_group(process, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(5)
        # Workers of a killed master may outlive it for a moment.
        _signal_group(process, signal.SIGKILL)

    # --- Varnish ------------------------------------------------------------------------

    def start_varnish(self):
        """varnishd with deploy/varnish.vcl, its backends file written for these ports."""
        backends = (ROOT / "deploy" / "mesoguide-backends.vcl").read_text()
        for name, example_host in (("app1", "10.0.0.11"), ("app2", "10.0.0.12")):
            backends = backends.replace(
                f'.host = "{example_host}";\n    .port = "8000";',
                f'.host = "127.0.0.1";\n    .port = "{self.app_ports[name]}";',
            )
        # Probed every half second here, so a stopped server is noticed quickly.
        backends = backends.replace(".interval = 2s;", ".interval = 0.5s;")
        (self.dir / "mesoguide-backends.vcl").write_text(backends)
        (self.dir / "secret").write_text(secrets.token_hex(16))
        log = open(self.dir / "varnish.log", "a")  # noqa: SIM115
        self.varnish = subprocess.Popen(  # noqa: S603 (our own commands)
            [
                VARNISHD,
                "-F",
                "-j", "none",  # as the current user, no privilege separation
                "-n", str(self.dir / "varnish"),
                "-a", f"127.0.0.1:{self.varnish_port}",
                "-a", f"127.0.0.1:{self.varnish_tls_port},PROXY",
                "-T", f"127.0.0.1:{self.varnish_admin_port}",
                "-S", str(self.dir / "secret"),
                "-p", f"vcl_path={self.dir}",
                "-f", str(ROOT / "deploy" / "varnish.vcl"),
                "-s", "malloc,64m",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if web.seconds_until(lambda: self._answers(self.varnish_port, "/healthz"), 30, 0.1) is None:
            raise RuntimeError(f"varnishd did not start: see {self.dir / 'varnish.log'}")

    def varnishadm(self, *command):
        return subprocess.run(  # noqa: S603 (our own commands)
            [
                VARNISHADM,
                "-T",
                f"127.0.0.1:{self.varnish_admin_port}",
                "-S",
                str(self.dir / "secret"),
                *command,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def backend_healthy(self, name):
        for line in self.varnishadm("backend.list").splitlines():
            columns = line.split()
            if columns and columns[0].endswith(f".{name}"):
                return "healthy" in columns
        return False

    # --- the whole ----------------------------------------------------------------------

    def stop(self):
        """Stop everything started and remove the database, cache keys and files. Never raises."""
        for name in list(self.apps):
            _quietly(self.stop_app, name, signal.SIGTERM, 15)
        if self.varnish is not None and self.varnish.poll() is None:
            _quietly(_signal_group, self.varnish, signal.SIGTERM)
            try:
                self.varnish.wait(15)
            except subprocess.TimeoutExpired:
                _quietly(_signal_group, self.varnish, signal.SIGKILL)
        if self._database_created:
            _quietly(self._drop_database)
        if self.own_redis is not None:
            _quietly(_signal_group, self.own_redis, signal.SIGTERM)
        else:
            _quietly(self._forget_cache_keys)
        if not os.environ.get("CLUSTER_KEEP_LOGS"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def _answers(self, port, path):
        try:
            return web.request(port, path, timeout=2).status == 200
        except OSError:
            return False


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def _quietly(function, *args):
    try:
        function(*args)
    except Exception as error:  # cleaning up: carry on with the rest
        print(f"  (cleanup: {function.__name__}: {error})", file=sys.stderr)
