"""With purging configured, the CDN may keep pages a day; without it, five minutes.
A front-cache setting that cannot work stops start-up, naming what is wrong."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARNISH = {
    "FRONTEND_CACHE_BACKEND": "http",
    "FRONTEND_CACHE_HTTP_SERVERS": "http://10.0.0.5:80",
    "SITE_URL": "https://mesoguide.example",
}


def settings_with(names=("CDN_CACHE_SECONDS", "PAGE_CACHE_LOCAL_SECONDS"), **environment):
    """(exit code, output) of printing the settings `names` as the site starts with
    `environment` (by default CDN_CACHE_SECONDS and PAGE_CACHE_LOCAL_SECONDS)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FRONTEND_CACHE", "CDN_", "PAGE_CACHE", "CLOUD", "SITE_URL"))
    }
    done = subprocess.run(  # noqa: S603 (our own command)
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            f"print({', '.join(f's.{name}' for name in names)})",
        ],
        cwd=ROOT,
        env={**env, **environment, "DJANGO_SETTINGS_MODULE": "mesoguide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_with_purging_pages_stay_a_day_in_the_cdn_and_processes_keep_no_copies():
    assert settings_with(**VARNISH) == (0, "86400 0\n")


def test_without_purging_the_cdn_keeps_pages_five_minutes():
    code, output = settings_with(DEBUG="off", SECRET_KEY="x" * 50, ALLOWED_HOSTS="m.example",
                                 DATABASE_URL="sqlite:////tmp/x.sqlite3", CACHE_URL="redis://127.0.0.1:6379/0",
                                 EMAIL_URL="consolemail://", SITE_URL="https://m.example",
                                 PUBLISHER_NAME="Example Ltd", PUBLISHER_ADDRESS="1 Example St",
                                 PRIVACY_EMAIL="privacy@m.example")  # fmt: skip
    assert (code, output) == (0, "300 1.0\n")


def test_a_front_cache_without_its_address_is_refused_by_name():
    code, output = settings_with(FRONTEND_CACHE_BACKEND="http", SITE_URL="https://m.example")
    assert code != 0 and "FRONTEND_CACHE_BACKEND=http needs FRONTEND_CACHE_HTTP_SERVERS" in output
    code, output = settings_with(FRONTEND_CACHE_BACKEND="cloudflare", SITE_URL="https://m.example")
    assert code != 0 and "needs CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN" in output


def test_local_page_copies_are_refused_with_a_front_cache():
    code, output = settings_with(**VARNISH, PAGE_CACHE_LOCAL_SECONDS="1")
    assert code != 0 and "PAGE_CACHE_LOCAL_SECONDS must be 0" in output
