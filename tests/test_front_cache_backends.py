"""The front-cache backends send what each cache's documented API expects.

The HTTP backend talks to a real local server that records requests; the
Cloudflare and CloudFront backends are tested with their HTTP calls recorded
(Cloudflare: a recording urlopen with the answers its API documents; CloudFront:
botocore's Stubber), never called.
"""

import io
import json
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.stub import ANY, Stubber

from frontcache.backends import (
    CloudflareBackend,
    CloudFrontBackend,
    HTTPPurgeBackend,
    PurgeFailed,
)

# --- HTTP PURGE / BAN (Varnish, nginx, Squid) --------------------------------------------


class _RecordingProxy(ThreadingHTTPServer):
    def __init__(self, status=200):
        self.requests = []
        self.status = status
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                proxy.requests.append((self.command, self.path, self.headers["Host"]))
                self.send_response(proxy.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_BAN = do_PURGE = _answer  # noqa: N815 (http.server's naming)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def proxies():
    started = []

    def start(status=200):
        started.append(_RecordingProxy(status))
        return started[-1]

    yield start
    for proxy in started:
        proxy.shutdown()
        proxy.server_close()


def test_http_backend_bans_each_path_on_every_proxy_with_the_site_host(proxies):
    first, second = proxies(), proxies()
    backend = HTTPPurgeBackend([first.url, second.url], "https://mesoguide.example")
    backend.purge(["/guide/what-it-is/", "/topics/skin/"])
    expected = [
        ("BAN", "/guide/what-it-is/", "mesoguide.example"),
        ("BAN", "/topics/skin/", "mesoguide.example"),
    ]
    assert first.requests == expected
    assert second.requests == expected


def test_http_backend_purges_every_page_as_the_wildcard_path(proxies):
    proxy = proxies()
    HTTPPurgeBackend([proxy.url], "https://mesoguide.example", method="PURGE").purge_all()
    assert proxy.requests == [("PURGE", "/*", "mesoguide.example")]


def test_a_purge_of_a_page_the_proxy_did_not_hold_counts_as_done(proxies):
    proxy = proxies(status=404)
    HTTPPurgeBackend([proxy.url], "https://m.example", method="PURGE").purge(["/gone/"])
    assert proxy.requests == [("PURGE", "/gone/", "m.example")]


def test_a_refused_purge_fails_naming_the_proxy_and_status(proxies):
    proxy = proxies(status=405)
    with pytest.raises(PurgeFailed, match=r"answered BAN /guide/x/ with 405"):
        HTTPPurgeBackend([proxy.url], "https://m.example").purge(["/guide/x/"])


def test_an_unreachable_proxy_fails_within_the_timeout(proxies):
    proxy = proxies()
    url = proxy.url
    proxy.shutdown()
    proxy.server_close()
    with pytest.raises(PurgeFailed, match="127.0.0.1"):
        HTTPPurgeBackend([url], "https://m.example", timeout=1).purge(["/"])


# --- Cloudflare ------------------------------------------------------------------------------

# The answers https://developers.cloudflare.com/api/resources/cache/methods/purge/ documents.
CLOUDFLARE_OK = {"success": True, "errors": [], "messages": [], "result": {"id": "9a7806061c88"}}
CLOUDFLARE_DENIED = {
    "success": False,
    "errors": [{"code": 10000, "message": "Authentication error"}],
    "messages": [],
    "result": None,
}


class _RecordedCloudflare:
    """Stands in for urllib's urlopen: records each request, plays back answers."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, request, timeout):
        self.calls.append(
            {
                "url": request.full_url,
                "method": request.get_method(),
                "authorization": request.get_header("Authorization"),
                "body": json.loads(request.data),
                "timeout": timeout,
            }
        )
        status, answer = self.answers.pop(0)
        body = io.BytesIO(json.dumps(answer).encode())
        if status != 200:
            raise urllib.error.HTTPError(request.full_url, status, "error", {}, body)
        return body


def test_cloudflare_purges_absolute_urls_thirty_per_call_with_the_token():
    recorded = _RecordedCloudflare(*[(200, CLOUDFLARE_OK)] * 3)
    backend = CloudflareBackend("zone123", "secret-token", "https://m.example", urlopen=recorded)
    paths = [f"/guide/article-{n}/" for n in range(65)]
    backend.purge(paths)
    assert [len(call["body"]["files"]) for call in recorded.calls] == [30, 30, 5]
    assert [url for call in recorded.calls for url in call["body"]["files"]] == [
        f"https://m.example{path}" for path in paths
    ]
    for call in recorded.calls:
        assert call["url"] == "https://api.cloudflare.com/client/v4/zones/zone123/purge_cache"
        assert call["method"] == "POST"
        assert call["authorization"] == "Bearer secret-token"


def test_cloudflare_purges_everything_rather_than_exceed_its_rate_limit():
    # A publish in a topic of 200 articles refreshes every article of the topic.
    recorded = _RecordedCloudflare(*[(200, CLOUDFLARE_OK)] * 7)
    backend = CloudflareBackend("z", "t", "https://m.example", urlopen=recorded)
    backend.purge([f"/guide/article-{n}/" for n in range(200)])
    assert [call["body"] for call in recorded.calls] == [{"purge_everything": True}]


def test_cloudflare_purges_everything_in_one_call():
    recorded = _RecordedCloudflare((200, CLOUDFLARE_OK))
    CloudflareBackend("z", "t", "https://m.example", urlopen=recorded).purge_all()
    assert [call["body"] for call in recorded.calls] == [{"purge_everything": True}]


@pytest.mark.parametrize("status", [200, 403])
def test_cloudflare_refusal_fails_with_its_message(status):
    recorded = _RecordedCloudflare((status, CLOUDFLARE_DENIED))
    backend = CloudflareBackend("z", "t", "https://m.example", urlopen=recorded)
    with pytest.raises(PurgeFailed, match="10000: Authentication error"):
        backend.purge(["/"])


def test_cloudflare_unreachable_fails():
    def unreachable(request, timeout):
        raise urllib.error.URLError("Name or service not known")

    backend = CloudflareBackend("z", "t", "https://m.example", urlopen=unreachable)
    with pytest.raises(PurgeFailed, match="Name or service not known"):
        backend.purge(["/"])


# --- CloudFront ------------------------------------------------------------------------------


@pytest.fixture
def cloudfront():
    client = boto3.client(
        "cloudfront",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _invalidation_answer(items):
    batch = {"Paths": {"Quantity": len(items), "Items": items}, "CallerReference": "r"}
    return {
        "Location": "https://cloudfront.amazonaws.com/2020-05-31/distribution/E1/invalidation/I1",
        "Invalidation": {
            "Id": "I1",
            "Status": "InProgress",
            "CreateTime": "2026-12-01T00:00:00Z",
            "InvalidationBatch": batch,
        },
    }


def _expect_invalidation(stubber, items):
    """The one CreateInvalidation call the backend must make, for exactly `items`."""
    stubber.add_response(
        "create_invalidation",
        _invalidation_answer(items),
        {
            "DistributionId": "E1",
            "InvalidationBatch": {
                "Paths": {"Quantity": len(items), "Items": items},
                "CallerReference": ANY,
            },
        },
    )


def test_cloudfront_invalidates_each_path_and_its_query_strings(cloudfront):
    client, stubber = cloudfront
    items = ["/", "/topics/skin/", "/sitemap.xml", "/topics/skin/*", "/sitemap.xml*"]
    _expect_invalidation(stubber, items)
    CloudFrontBackend("E1", client=client).purge(["/", "/topics/skin/", "/sitemap.xml"])


def test_cloudfront_purges_every_page_with_one_wildcard(cloudfront):
    client, stubber = cloudfront
    _expect_invalidation(stubber, ["/*"])
    CloudFrontBackend("E1", client=client).purge_all()


def test_cloudfront_purges_every_page_rather_than_exceed_its_wildcard_limit(cloudfront):
    client, stubber = cloudfront
    _expect_invalidation(stubber, ["/*"])
    CloudFrontBackend("E1", client=client).purge([f"/guide/a-{n}/" for n in range(8)])


def test_cloudfront_refusal_fails_with_its_code(cloudfront):
    client, stubber = cloudfront
    stubber.add_client_error(
        "create_invalidation", service_error_code="TooManyInvalidationsInProgress"
    )
    with pytest.raises(PurgeFailed, match="TooManyInvalidationsInProgress"):
        CloudFrontBackend("E1", client=client).purge(["/guide/x/"])
