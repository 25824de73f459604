"""Only X-Forwarded-Proto from the configured proxies, holding exactly "https",
decides that a request came over HTTPS; links name SITE_URL, never the Host a
client sent."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "proto", "https"),
    [
        ("127.0.0.1", "https", True),
        ("127.0.0.1", "http", False),
        ("127.0.0.1", "https, http", False),  # a list is refused, whatever comes first
        ("127.0.0.1", "https,https", False),
        ("127.0.0.1", "HTTPS", False),
        ("203.0.113.9", "https", False),  # not from the proxy: the client's own header
    ],
)
def test_only_x_forwarded_proto_from_the_proxy_with_one_value_counts_as_https(
    behind_a_proxy, address, proto, https
):
    response = Client(REMOTE_ADDR=address).get("/", HTTP_X_FORWARDED_PROTO=proto)
    assert (response.status_code != 301) is https, response.status_code


@pytest.mark.django_db
def test_other_proxy_headers_never_make_a_request_https(behind_a_proxy):
    client = Client()
    for header in ("HTTP_X_FORWARDED_SSL", "HTTP_X_FORWARDED_PROTOCOL", "HTTP_X_URL_SCHEME"):
        response = client.get("/", **{header: "on" if "SSL" in header else "https"})
        assert response.status_code == 301, header


@pytest.mark.django_db
def test_proxies_on_another_network_are_configured_by_address(behind_a_proxy, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    assert (
        Client(REMOTE_ADDR="10.1.2.3").get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    )
    assert Client().get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 301


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_with_our_config():
    """gunicorn with gunicorn.conf.py, serving an app that says what scheme it was given."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "mesoguide.settings"
    server = subprocess.Popen(  # noqa: S603 (our own arguments)
        [sys.executable, "-m", "gunicorn", "tests.scheme_echo:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


@pytest.mark.parametrize(
    ("header", "value", "scheme"),
    [
        ("X-Forwarded-Proto", "https", "https"),
        ("X-Forwarded-Ssl", "on", "http"),
        ("X-Forwarded-Protocol", "ssl", "http"),
        ("X-Forwarded-Proto", "https, http", "http"),
    ],
)
def test_gunicorn_takes_only_x_forwarded_proto_from_the_proxy(
    gunicorn_with_our_config, header, value, scheme
):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn_with_our_config, timeout=10)
    connection.request("GET", "/", headers={header: value})
    assert connection.getresponse().read().decode() == scheme
    connection.close()


@pytest.mark.django_db
def test_a_confirmation_link_names_site_url_whatever_host_the_sign_up_came_to(settings):
    settings.SITE_URL = "https://mesoguide.example"
    settings.ALLOWED_HOSTS = ["localhost"]
    client = Client(HTTP_HOST="localhost:6666")
    client.post(reverse("newsletter:subscribe"), {"email": "reader@example.com", "website": ""})
    (message,) = mail.outbox
    links = re.findall(r"https?://\S+", message.body) + re.findall(
        r"<(https?://[^>]+)>", message.extra_headers["List-Unsubscribe"]
    )
    assert links and all(link.startswith("https://mesoguide.example/") for link in links), links


@pytest.mark.django_db
def test_feeds_link_to_site_url_whatever_host_was_asked(settings):
    settings.SITE_URL = "https://mesoguide.example"
    settings.ALLOWED_HOSTS = ["localhost"]
    factories.published_article(slug="what-it-is")
    for feed in ("feed_rss", "feed_atom"):
        xml = Client(HTTP_HOST="localhost:6666").get(reverse(feed)).content.decode()
        assert "https://mesoguide.example/guide/what-it-is/" in xml, feed
        assert "localhost" not in xml, feed
