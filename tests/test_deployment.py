"""The gunicorn configuration takes its settings from the environment."""

import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_port_and_timeouts_come_from_the_environment(monkeypatch):
    config = gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="7", PORT="8123", HOST="127.0.0.1", GUNICORN_TIMEOUT="12"
    )
    assert config["workers"] == 7
    assert config["bind"] == "127.0.0.1:8123"
    assert config["timeout"] == 12


def test_workers_are_recycled_with_jitter_and_log_one_line_per_request(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    config = gunicorn_settings(monkeypatch)
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["accesslog"] == "-"  # standard output
    # Status and duration in milliseconds; the path without its query string.
    assert "%(s)s" in config["access_log_format"] and "%(M)sms" in config["access_log_format"]
    assert "%(U)s" in config["access_log_format"] and "%(q)s" not in config["access_log_format"]
