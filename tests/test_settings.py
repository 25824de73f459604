"""Production settings refuse to start without what they cannot guess."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**environment):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
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


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(DEBUG="off", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start_django(DEBUG="off", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_production_starts_when_both_are_given():
    assert (
        start_django(DEBUG="off", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org").returncode == 0
    )
