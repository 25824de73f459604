"""Production settings refuse to start without what they cannot guess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "sqlite:////tmp/mesoguide-settings-test.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://mail.example.org:25",
    "SITE_URL": "https://example.org",
    "PUBLISHER_NAME": "Example Publishing Ltd",
    "PUBLISHER_ADDRESS": "1 Example Street, Exampleton, EX1 1EX",
    "PRIVACY_EMAIL": "privacy@example.org",
}


def start_django(**environment):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mesoguide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_starts_with_no_configuration():
    assert start_django().returncode == 0


@pytest.mark.parametrize("missing", sorted(set(PRODUCTION) - {"DEBUG"}))
def test_production_refuses_to_start_without_each_essential_setting_and_names_it(missing):
    result = start_django(**{k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_production_refuses_a_cache_that_app_servers_cannot_share():
    result = start_django(**{**PRODUCTION, "CACHE_URL": "locmemcache://"})
    assert result.returncode != 0
    assert "CACHE_URL must name a cache shared by all processes" in result.stderr


def test_production_starts_when_everything_essential_is_given():
    assert start_django(**PRODUCTION).returncode == 0


@pytest.mark.parametrize("site_url", ["mesoguide.example", "https://mesoguide.example/guide/"])
def test_production_refuses_a_site_url_that_is_not_an_origin(site_url):
    result = start_django(**{**PRODUCTION, "SITE_URL": site_url})
    assert result.returncode != 0
    assert "SITE_URL must be an origin" in result.stderr


def test_production_refuses_a_proxy_ssl_header_other_than_x_forwarded_proto():
    result = start_django(**{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Ssl: on"})
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https'" in result.stderr


@pytest.mark.parametrize("name", ["PUBLISHER_NAME", "PUBLISHER_ADDRESS", "PRIVACY_EMAIL"])
def test_production_refuses_an_empty_publisher_setting(name):
    result = start_django(**{**PRODUCTION, name: "  "})
    assert result.returncode != 0
    assert f"{name} must not be empty when DEBUG is off" in result.stderr


@pytest.mark.parametrize("address", ["privacy", "privacy@", "a b@example.org", "<x@example.org>"])
def test_production_refuses_a_privacy_email_that_is_not_an_address(address):
    result = start_django(**{**PRODUCTION, "PRIVACY_EMAIL": address})
    assert result.returncode != 0
    assert "PRIVACY_EMAIL must be an e-mail address" in result.stderr


@pytest.mark.parametrize(("given", "threshold"), [(None, "5"), ("3", "3"), ("0", "None")])
def test_postgresql_queries_are_prepared_unless_the_operator_turns_it_off(given, threshold):
    # Off (0) for a pooler in transaction mode that can't keep prepared statements.
    environment = {"DATABASE_URL": "postgres://mesoguide@127.0.0.1:5432/mesoguide"}
    if given is not None:
        environment["DATABASE_PREPARE_THRESHOLD"] = given
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
            "print(o['server_side_binding'], o['prepare_threshold'])",
        ],
        cwd=ROOT,
        env={**env, **environment, "DJANGO_SETTINGS_MODULE": "mesoguide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["True", threshold], result.stderr
