"""The front caches MesoGuide can purge: an HTTP caching proxy (Varnish, nginx, Squid),
Cloudflare and Amazon CloudFront. settings.FRONTEND_CACHE_BACKEND picks one.

Every backend takes site-relative paths ("/guide/what-it-is/") and purges each
path with whatever query string it was cached under (?page=2 of a listing),
where the cache can do that; see each backend. A backend raises PurgeFailed when
the cache did not confirm the purge: the caller keeps the work to retry it.
"""

import http.client
import json
import logging
import urllib.error
import urllib.request
import uuid
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class PurgeFailed(Exception):
    """The front cache did not confirm a purge (unreachable, refused, an API error)."""


class HTTPPurgeBackend:
    """Sends one request per path to each caching proxy, with the site's Host header.

    method "BAN" (the default; deploy/varnish.vcl): the path with any query
    string leaves the cache. method "PURGE" (Varnish's classic purge, nginx
    proxy_cache_purge, Squid): that exact URL. Every page at once is "/*", which
    the VCL and nginx's cache purge module read as the whole site.
    A proxy answering 404 to PURGE had nothing cached there: that counts as done.
    """

    def __init__(self, servers, site_url, *, method="BAN", timeout=5.0):
        self.servers = [urlsplit(server) for server in servers]
        self.host = urlsplit(site_url).netloc
        self.method = method
        self.timeout = timeout

    def purge(self, paths):
        for server in self.servers:
            self._send(server, paths)

    def purge_all(self):
        self.purge(["/*"])

    def _send(self, server, paths):
        connection_class = (
            http.client.HTTPSConnection if server.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(server.hostname, server.port, timeout=self.timeout)
        try:
            for path in paths:
                connection.request(self.method, path, headers={"Host": self.host})
                response = connection.getresponse()
                response.read()
                if not (200 <= response.status < 300 or response.status == 404):
                    raise PurgeFailed(
                        f"{server.netloc} answered {self.method} {path} with {response.status}"
                    )
        except (OSError, http.client.HTTPException) as error:
            raise PurgeFailed(f"{server.netloc}: {error}") from error
        finally:
            connection.close()


class CloudflareBackend:
    """Cloudflare's purge_cache API (POST /zones/{zone_id}/purge_cache) with an API token
    that has the zone's Cache Purge permission.

    Pages go as absolute URLs ("files"), at most 30 per call (the limit of every
    plan), in at most CALLS calls, else as one purge of everything. Cloudflare keeps each query string apart and purges by prefix only on
    Enterprise plans, so the site has Cloudflare keep no query-string variant
    (?page=2, ?utm_source=...): s-maxage=0 (settings.CDN_CACHE_QUERY_STRINGS).
    """

    API = "https://api.cloudflare.com/client/v4"
    FILES_PER_CALL = 30
    # Free zones may call the purge API 5 times a minute (a bucket of 25): a purge
    # needing many more calls (a change in a topic of hundreds of articles) would be
    # refused part-way and retried whole, for ever. Beyond this, purge everything.
    CALLS = 5

    def __init__(self, zone_id, api_token, site_url, *, timeout=10.0, urlopen=None):
        self.endpoint = f"{self.API}/zones/{zone_id}/purge_cache"
        self.api_token = api_token
        self.site_url = site_url.rstrip("/")
        self.timeout = timeout
        self.urlopen = urlopen or urllib.request.urlopen

    def purge(self, paths):
        urls = [self.site_url + path for path in paths]
        if len(urls) > self.FILES_PER_CALL * self.CALLS:
            self.purge_all()
            return
        for start in range(0, len(urls), self.FILES_PER_CALL):
            self._call({"files": urls[start : start + self.FILES_PER_CALL]})

    def purge_all(self):
        self._call({"purge_everything": True})

    def _call(self, payload):
        request = urllib.request.Request(  # noqa: S310 (a fixed https URL)
            self.endpoint,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with self.urlopen(request, timeout=self.timeout) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            answer = _json_or_none(error)
            if answer is None:
                raise PurgeFailed(f"Cloudflare answered {error.code}") from error
        except (OSError, ValueError) as error:
            raise PurgeFailed(f"Cloudflare: {error}") from error
        if not answer.get("success"):
            messages = "; ".join(
                f"{e.get('code')}: {e.get('message')}" for e in answer.get("errors", [])
            )
            raise PurgeFailed(f"Cloudflare refused the purge: {messages or answer}")


def _json_or_none(error):
    try:
        return json.load(error)
    except (OSError, ValueError):
        return None


class CloudFrontBackend:
    """Amazon CloudFront's CreateInvalidation, through boto3 (credentials the usual
    AWS way: environment, shared file or the instance's role).

    Each path goes as itself and, but for the home page, as path + "*", which
    also covers its query strings (?page=2); "/*" is every page. CloudFront
    keeps at most 15 wildcard paths in progress at once (an invalidation takes
    a minute or so), so a purge that would need more than WILDCARDS of them
    invalidates "/*" instead; a refusal for too many in progress is retried
    like any failure. CloudFront bills paths beyond 1,000 a month, a wildcard
    counting as one.
    """

    WILDCARDS = 7

    def __init__(self, distribution_id, *, client=None):
        self.distribution_id = distribution_id
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("cloudfront")
        return self._client

    def purge(self, paths):
        wildcards = [path + "*" for path in paths if path != "/"]
        if len(wildcards) > self.WILDCARDS:
            self.purge_all()
            return
        self._invalidate(list(dict.fromkeys([*paths, *wildcards])))

    def purge_all(self):
        self._invalidate(["/*"])

    def _invalidate(self, items):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.create_invalidation(
                DistributionId=self.distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(items), "Items": items},
                    "CallerReference": uuid.uuid4().hex,
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise PurgeFailed(f"CloudFront: {error}") from error


@cache
def configured_backend():
    """The backend settings.FRONTEND_CACHE_BACKEND names, or None when purging is off."""
    name = settings.FRONTEND_CACHE_BACKEND
    if not name:
        return None
    if name == "http":
        return HTTPPurgeBackend(
            settings.FRONTEND_CACHE_HTTP_SERVERS,
            settings.SITE_URL,
            method=settings.FRONTEND_CACHE_HTTP_METHOD,
            timeout=settings.FRONTEND_CACHE_TIMEOUT,
        )
    if name == "cloudflare":
        return CloudflareBackend(
            settings.CLOUDFLARE_ZONE_ID,
            settings.CLOUDFLARE_API_TOKEN,
            settings.SITE_URL,
            timeout=settings.FRONTEND_CACHE_TIMEOUT,
        )
    if name == "cloudfront":
        return CloudFrontBackend(settings.CLOUDFRONT_DISTRIBUTION_ID)
    raise ImproperlyConfigured(f"Unknown FRONTEND_CACHE_BACKEND {name!r}.")
