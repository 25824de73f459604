"""A small HTTP client for the cluster test: one request per call, cookies kept by hand.

The app servers run in production mode, so their cookies are Secure; over the
test's plain HTTP a browser-like cookie jar would never send them back."""

import http.client
import re
import socket
import struct
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


@dataclass
class Answer:
    status: int
    headers: dict
    body: str


def proxy_v2_over_tls(reader="203.0.113.7"):
    """The PROXY protocol v2 header hitch or haproxy put before a request they took over
    TLS: the reader's address and a PP2_TYPE_SSL field saying the connection was TLS."""
    addresses = (
        socket.inet_aton(reader) + socket.inet_aton("127.0.0.1") + struct.pack("!HH", 50000, 443)
    )
    tls = struct.pack("!BHBI", 0x20, 5, 0x01, 0)  # PP2_TYPE_SSL: PP2_CLIENT_SSL, verified
    body = addresses + tls
    return b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + struct.pack("!H", len(body)) + body


def request(
    port,
    path,
    *,
    method="GET",
    headers=None,
    body=None,
    timeout=10,
    source="127.0.0.1",
    preamble=b"",
):
    """One request to 127.0.0.1:port, sent from address `source` (any 127.x.y.z on Linux),
    after `preamble` (a PROXY protocol header)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        if preamble:
            connection.connect()
            connection.sock.sendall(preamble)
        connection.request(
            method,
            path,
            body=body,
            headers={
                "Host": f"127.0.0.1:{port}",
                "User-Agent": BROWSER,
                "Accept": "text/html",
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        headers = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                headers.setdefault("set-cookie", []).append(value)
            else:
                headers[name.lower()] = value
        return Answer(response.status, headers, text)
    finally:
        connection.close()


@dataclass
class Browser:
    """An editor's browser: sends back the cookies any server set, to any server."""

    cookies: dict = field(default_factory=dict)

    def get(self, port, path):
        return self._keep(request(port, path, headers=self._cookie_header()))

    def post(self, port, path, data, referer_path):
        answer = request(
            port,
            path,
            method="POST",
            body=urlencode(data),
            headers={
                **self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{port}",
                "Referer": f"http://127.0.0.1:{port}{referer_path}",
            },
        )
        return self._keep(answer)

    def csrf_token(self, answer):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body).group(1)

    def _cookie_header(self):
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, answer):
        for line in answer.headers.get("set-cookie", []):
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer


def seconds_until(check, limit=10.0, every=0.02):
    """Seconds until check() is true (polled every `every` s), or None after `limit`."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():
            return time.monotonic() - started
        time.sleep(every)
    return None
