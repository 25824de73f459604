"""Production mode is secure by default: headers, cookies, HTTPS, deploy checks,
a branded 503 when the database is away, health checks, throttled logins and posts."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client

from mesoguide.security_headers import admin_inline_style_hashes
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CSP_REQUIRED = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    # The only addition for scripts: fetching a form's CSRF token (mesoguide/form_tokens.py).
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
PUBLIC_PAGES = ["home", "article", "topic", "person", "not found", "comment form", "newsletter"]


def production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DEBUG="off",
        SECRET_KEY="test-only-" + "k3y-material-" * 5,
        ALLOWED_HOSTS="testserver,mesoguide.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        EMAIL_URL="smtp://mail.example.org:25",
        SITE_URL="https://mesoguide.example",
        PUBLISHER_NAME="Example Publishing Ltd",
        PUBLISHER_ADDRESS="1 Example Street, Exampleton, EX1 1EX",
        PRIVACY_EMAIL="privacy@mesoguide.example",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        DJANGO_SETTINGS_MODULE="tests.production_settings",
    )
    env.update(overrides)
    return env


def run(args, env):
    # The arguments are this module's own, never outside input.
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What readers and editors receive from the site in production mode."""
    result = run(["-m", "tests.production_probe"], production_env(tmp_path_factory.mktemp("prod")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def csp_directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_deploy_checks_pass_in_production_mode_with_nothing_silenced(tmp_path):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="mesoguide.settings")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_carry_the_strict_content_security_policy(production, page):
    header = production[page]["headers"]["Content-Security-Policy"]
    assert csp_directives(header) == CSP_REQUIRED, page
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_public_templates_have_no_inline_script_style_or_handlers():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    for template in (ROOT / "templates").rglob("*.html"):
        if "admin" not in template.relative_to(ROOT / "templates").parts:
            assert not inline.search(template.read_text()), template


def test_the_admin_policy_allows_its_inline_styles_by_hash_only(production):
    header = production["admin login"]["headers"]["Content-Security-Policy"]
    directives = csp_directives(header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'none'"
    assert directives["style-src"].split() == ["'self'", *admin_inline_style_hashes()]
    assert directives["connect-src"] == "'self'"  # autocomplete fields
    assert admin_inline_style_hashes(), "the change list's inline style should be hashed"


@pytest.mark.parametrize("page", [*PUBLIC_PAGES, "admin login"])
def test_every_page_sends_the_security_headers(production, page):
    headers = production[page]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_http_only_and_same_site(production):
    login = production["editor login"]
    assert login["status"] == 302
    cookies = {**production["admin login"]["cookies"], **login["cookies"]}
    for name in ("csrftoken", "sessionid"):
        assert cookies[name]["secure"] and cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name


def test_reading_pages_are_shared_by_a_cdn_and_form_pages_are_private(production):
    for page in ("home", "article", "topic"):
        assert "public" in production[page]["headers"]["Cache-Control"], page
        assert "s-maxage=" in production[page]["headers"]["Cache-Control"], page
        assert not production[page]["cookies"], page
    for page in ("comment form", "newsletter", "form token"):
        assert "private" in production[page]["headers"]["Cache-Control"], page
        assert production[page]["cookies"]["csrftoken"]["secure"], page


def test_the_tls_proxy_header_decides_what_counts_as_https(production):
    assert production["https at the proxy"]["status"] == 200
    assert production["http at the proxy"]["status"] == 301


def test_plain_http_is_redirected_to_https_but_health_checks_are_answered(production):
    assert production["plain http"]["status"] == 301
    assert production["plain http"]["headers"]["Location"] == "https://testserver/"
    assert production["healthz over plain http"]["status"] == 200


def test_readers_get_a_503_page_when_the_database_server_is_unreachable(tmp_path):
    # Nothing listens on port 9 (discard): the connection is refused at once.
    env = production_env(tmp_path, DATABASE_URL="postgres://mesoguide@127.0.0.1:9/mesoguide")
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/', secure=True); "
        "print(r.status_code, r['Retry-After'], 'briefly unavailable' in r.content.decode())"
    )
    result = run(["-c", script], env)
    assert result.stdout.split() == ["503", "30", "True"], result.stderr
    assert "Traceback" not in result.stderr


# --- In-process: the database and cache failing and coming back -----------------------


def database_down():
    """Every query fails as it does when the database server is unreachable."""
    return mock.patch.object(
        connections["default"],
        "cursor",
        side_effect=OperationalError("connection refused: is the server running?"),
    )


@pytest.mark.django_db
def test_database_outage_gives_a_branded_503_and_the_site_recovers_by_itself(client):
    factories.published_article(slug="what-it-is", title="What mesotherapy is")
    with database_down():
        response = client.get("/guide/what-it-is/")
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "MesoGuide is briefly unavailable" in html and 'class="disclosure-banner"' in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert client.get("/guide/what-it-is/").status_code == 200


@pytest.mark.django_db
def test_cached_pages_keep_being_served_while_the_database_is_away(client):
    factories.published_article(slug="what-it-is", title="What mesotherapy is")
    client.get("/guide/what-it-is/")
    with database_down():
        response = client.get("/guide/what-it-is/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_healthz_says_alive_and_readyz_needs_the_database_but_not_the_cache(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready["Cache-Control"] == "no-store"
    with database_down():
        assert client.get("/healthz").status_code == 200
        not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and "database" in not_ready.content.decode()
    # Pages are built from the database without the cache (test_cache_outage.py):
    # a cache outage must not take every app server out of the load balancer.
    with mock.patch("mesoguide.health.cache.set", side_effect=ConnectionError("cache down")):
        degraded = client.get("/readyz")
    assert degraded.status_code == 200 and "cache unavailable" in degraded.content.decode()


@pytest.mark.django_db
def test_health_checks_answer_load_balancers_calling_by_ip_address():
    client = Client(HTTP_HOST="10.0.0.7")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    refused = client.get("/")  # everything else still checks the host
    assert refused.status_code == 400
    assert "We could not read that request" in refused.content.decode()


# --- Throttling ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client, django_user_model, settings):
    settings.AXES_ENABLED = True
    django_user_model.objects.create_superuser("boss", password="the right password")
    attempts = [
        client.post("/admin/login/", {"username": "boss", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert attempts == [200, 200, 200, 200, 429]
    locked = client.post("/admin/login/", {"username": "boss", "password": "the right password"})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()
    # Another account from the same address is not locked out.
    django_user_model.objects.create_superuser("other", password="another right password")
    response = client.post(
        "/admin/login/", {"username": "other", "password": "another right password"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_account_is_locked_against_guesses_from_many_addresses_and_its_editor_told_once(
    django_user_model, settings, mailoutbox
):
    settings.AXES_ENABLED = True
    django_user_model.objects.create_superuser(
        "boss", email="boss@example.org", password="the right password"
    )
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}")
        .post("/admin/login/", {"username": "boss", "password": f"guess {n}"})
        .status_code
        for n in range(30)
    ]
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    # Locked for its own editor too, from an address never used before.
    own = Client(REMOTE_ADDR="192.0.2.200")
    assert (
        own.post(
            "/admin/login/", {"username": "boss", "password": "the right password"}
        ).status_code
        == 429
    )
    (message,) = mailoutbox
    assert message.to == ["boss@example.org"]
    assert "locked" in message.subject and "1 hour" in message.subject
    assert "198.51.100." in message.body and "axes_reset_username boss" in message.body


@pytest.mark.django_db
def test_failed_logins_from_one_ipv6_network_are_recorded_as_one_client(
    django_user_model, settings
):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    for host in ("1", "ffff:ffff"):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{host}").post(
            "/admin/login/", {"username": "someone", "password": "wrong"}
        )
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.ip_address == "2001:db8:1:2::" and attempt.failures_since_start == 2


@pytest.mark.django_db
def test_public_posts_are_limited_per_client(settings):
    settings.PUBLIC_POST_LIMIT = 3
    client = Client(REMOTE_ADDR="192.0.2.1")
    statuses = [client.post("/guide/anything/").status_code for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429
    limited = client.post("/guide/anything/")
    assert int(limited["Retry-After"]) <= settings.PUBLIC_POST_WINDOW
    assert "Too many attempts" in limited.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.2").post("/guide/anything/").status_code != 429


@pytest.mark.django_db
def test_forwarded_addresses_count_only_behind_the_configured_proxies(settings):
    settings.PUBLIC_POST_LIMIT = 1
    # No proxy configured: a made-up X-Forwarded-For does not make a new client.
    client = Client(REMOTE_ADDR="192.0.2.9")
    client.post("/x/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client.post("/x/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429
    # Behind one proxy, the address it saw is the client.
    settings.NUM_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    assert proxy.post("/x/", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.3").status_code != 429
    assert proxy.post("/x/", HTTP_X_FORWARDED_FOR="203.0.113.4").status_code != 429
    assert proxy.post("/x/", HTTP_X_FORWARDED_FOR="other, 203.0.113.3").status_code == 429


@pytest.mark.django_db
def test_admin_login_attempts_across_many_user_names_are_limited_per_client(settings):
    settings.PUBLIC_POST_LIMIT = 3
    client = Client(REMOTE_ADDR="192.0.2.77")
    statuses = [
        client.post("/admin/login/", {"username": f"guess{n}", "password": "password1"}).status_code
        for n in range(4)
    ]
    assert 429 not in statuses[:3] and statuses[3] == 429


@pytest.mark.django_db
def test_an_ipv6_network_counts_as_one_client(settings):
    settings.PUBLIC_POST_LIMIT = 1
    Client(REMOTE_ADDR="2001:db8:1:2::1").post("/x/")
    assert Client(REMOTE_ADDR="2001:db8:1:2::ffff").post("/x/").status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").post("/x/").status_code != 429


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", ""])
def test_a_login_whose_next_is_refused_lands_on_the_admin_index(django_user_model, next_url):
    django_user_model.objects.create_superuser("boss", password="the right password")
    response = Client().post(
        f"/admin/login/?next={next_url}", {"username": "boss", "password": "the right password"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db(transaction=True)
def test_postgresql_connections_skip_the_health_check_only_just_after_answering(monkeypatch):
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no connection health check")
    checks = []
    monkeypatch.setattr(type(connection), "is_usable", lambda self: checks.append(1) or True)
    monkeypatch.setattr(connection, "health_check_enabled", True)
    connection.ensure_connection()
    monkeypatch.setattr(connection, "close_at", None)  # a persistent connection
    connection._answered_at = float("-inf")
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert checks == [1], "an idle connection is checked"
    connection.close_if_unusable_or_obsolete()  # the request ends: it answered
    connection.close_if_health_check_failed()  # the next request, a moment later
    assert checks == [1]
    connection.close_if_unusable_or_obsolete()
    monkeypatch.setattr("mesoguide.postgresql.base.HEALTH_CHECK_AFTER_SECONDS", 0.0)
    connection.close_if_health_check_failed()
    assert checks == [1, 1], "checked again once it has been idle"


@pytest.mark.django_db(transaction=True)
def test_a_migration_changing_a_returned_columns_type_costs_one_503_not_a_broken_connection(
    client, settings, monkeypatch
):
    """Queries are prepared on PostgreSQL connections (DATABASE_PREPARE_THRESHOLD): one
    prepared before another process's migration changed the type of a column it returns
    fails on every run until its connection goes. Readers get the 503 page once, then
    the page again on a fresh connection."""
    import psycopg
    from django.db import close_old_connections, connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: prepared statements")
    settings.PAGE_CACHE_SECONDS = 0  # the article's query runs on every visit
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)  # as in production
    connection.close()
    factories.published_article(slug="what-it-is", title="What mesotherapy is")

    def visit():  # a request as gunicorn runs it: connections checked at its start and end
        close_old_connections()
        try:
            return client.get("/guide/what-it-is/", secure=True)
        finally:
            close_old_connections()

    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5
    for _ in range(8):  # past the threshold: the query is now prepared on this connection
        assert visit().status_code == 200
    database = connection.settings_dict
    migration = psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )
    try:
        # The view count the query returns: bigint becomes numeric, as a migration might.
        migration.execute(
            'ALTER TABLE readership_articleviewcount ALTER COLUMN "count" TYPE numeric'
        )
        first = visit()
        assert first.status_code == 503 and first["Retry-After"] == "30"
        assert "briefly unavailable" in first.content.decode()
        assert visit().status_code == 200
        assert visit().status_code == 200
    finally:
        migration.execute(
            'ALTER TABLE readership_articleviewcount ALTER COLUMN "count" TYPE bigint'
        )
        migration.close()
