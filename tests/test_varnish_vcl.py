"""deploy/varnish.vcl in a real varnishd, in front of a stand-in app server that
says every page may be shared: what Varnish keeps must be what a BAN of the
page's path (frontcache, FRONTEND_CACHE_HTTP_METHOD=BAN) removes. A URL spelled
so that its X-Path differs from the path the app serves (percent-encoding, the
absolute form "GET http://host/path", a "#") would otherwise outlive the purge of
an unpublished article for CDN_CACHE_SECONDS (a day)."""

import http.client
import http.server
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


@pytest.fixture(autouse=True)
def _varnishd_installed():
    # CI installs Varnish (.ci/run): there its absence is a failure, never a skip.
    if not Path(VARNISHD).is_file():
        if os.environ.get("CI"):
            pytest.fail("varnishd is needed for the VCL tests (apt-get install varnish)")
        pytest.skip("varnishd is not installed: apt-get install varnish (CI installs it)")


class StandInApp(http.server.BaseHTTPRequestHandler):
    """Serves every path as the app does its pages: decoded, shareable for an hour;
    the body names how many times the app was asked (a new body: not from Varnish)."""

    asked = 0

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).asked += 1
        path = unquote(urlsplit(self.path).path)
        body = f"{path} #{type(self).asked}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=3600")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _free_port():
    base = int(os.environ.get("VARNISH_TEST_PORT_BASE", "0"))
    for port in range(base, base + 50) if base else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


@pytest.fixture(scope="module")
def varnish(tmp_path_factory):
    directory = tmp_path_factory.mktemp("varnish")
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandInApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    backends = (ROOT / "deploy" / "mesoguide-backends.vcl").read_text()
    for example_host in ("10.0.0.11", "10.0.0.12"):
        backends = backends.replace(
            f'.host = "{example_host}";\n    .port = "8000";',
            f'.host = "127.0.0.1";\n    .port = "{app.server_port}";',
        )
    (directory / "mesoguide-backends.vcl").write_text(backends)
    (directory / "secret").write_text(secrets.token_hex(16))
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [
            VARNISHD,
            "-F",
            "-j", "none",
            "-n", str(directory / "varnish"),
            "-a", f"127.0.0.1:{port}",
            "-T", "127.0.0.1:0",
            "-S", str(directory / "secret"),
            "-p", f"vcl_path={directory}",
            "-f", str(ROOT / "deploy" / "varnish.vcl"),
            "-s", "malloc,16m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _request(port, "GET", "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("varnishd did not start")
        yield port
    finally:
        process.terminate()
        process.wait(10)
        app.shutdown()


def _request(port, method, target):
    """(status, body) of one request with this exact request-target."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", "mesoguide.example")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "spelling",
    [
        "/guide/%61rticle-{n}/",
        "http://mesoguide.example/guide/article-{n}/",
        "/guide/article-{n}/#top",
        "/./guide/article-{n}/",
    ],
)
def test_a_ban_of_a_pages_path_removes_every_spelling_varnish_kept(varnish, spelling):
    n = secrets.token_hex(4)
    url = spelling.format(n=n)
    first = _request(varnish, "GET", url)[1]
    assert _request(varnish, "BAN", f"/guide/article-{n}/")[0] == 200
    assert _request(varnish, "GET", url)[1] != first, "the unpublished page outlived its purge"


def test_a_plain_page_is_kept_and_banned(varnish):
    n = secrets.token_hex(4)
    url = f"/guide/article-{n}/?utm_source=mail%20list"
    first = _request(varnish, "GET", url)[1]
    assert _request(varnish, "GET", url)[1] == first, "kept by Varnish"
    assert _request(varnish, "BAN", f"/guide/article-{n}/")[0] == 200
    assert _request(varnish, "GET", url)[1] != first
