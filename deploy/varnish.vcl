# Varnish 7 in front of MesoGuide's app servers: the front cache the site purges
# the moment editors publish (frontcache/, FRONTEND_CACHE_BACKEND=http).
#
#   varnishd -a :80 -a 127.0.0.1:8443,PROXY -f /etc/varnish/varnish.vcl -s malloc,1G
#
# The app servers, their health probe and the addresses allowed to purge are in
# mesoguide-backends.vcl, looked up in varnishd's vcl_path (copy the example
# beside this file and edit it). TLS is terminated in front of Varnish by hitch
# or haproxy speaking PROXY protocol v2 (hitch: write-proxy-v2 = on; haproxy:
# send-proxy-v2-ssl), so Varnish sees each reader's own address and whether
# they came over TLS. Matching settings on every app server:
#
#   FRONTEND_CACHE_BACKEND=http
#   FRONTEND_CACHE_HTTP_SERVERS=http://<each varnish>:80
#   SITE_URL=https://mesoguide.example
#   SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
#   FORWARDED_ALLOW_IPS=<the Varnish addresses>   NUM_PROXIES=1
#
# This file serves one site: cached pages are told apart by URL and scheme only
# (with SITE_URL set the app's pages do not depend on the Host header).

vcl 4.1;

import directors;
import proxy;
import std;

include "mesoguide-backends.vcl";

sub vcl_recv {
    # What the app trusts from its proxies (mesoguide/client_ip.py), set here and
    # never passed on from the client: the reader's address, exactly, and the
    # scheme they used.
    set req.http.X-Forwarded-For = client.ip;
    if (proxy.is_ssl()) {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }

    set req.backend_hint = app.backend();
    # While any app server answers, nothing past its lifetime is served; when none
    # does, readers get the last copy for up to beresp.grace (below).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }

    # Purges, from the app servers only. BAN /path: that path with any query
    # string; PURGE /path?query: that one URL; either with /*: every page.
    if (req.method == "BAN" || req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.url == "/*") {
            ban("obj.status != 0");
        } else if (req.method == "BAN") {
            ban("obj.http.X-Path == " + regsub(req.url, "\?.*$", ""));
        } else {
            ban("obj.http.X-Url == " + req.url);
        }
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, and anyone holding a session (editors) or messages: their pages
    # are their own (the app marks them private too).
    if (req.url ~ "^/admin(/|$)" || req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Only URLs spelled as the site spells them are kept: a BAN names a page by
    # its path (X-Path below), so a copy kept under another spelling of the same
    # page (/guide/%61bc/, /guide/abc/#x, /./guide/abc/) would outlive the purge
    # of an unpublished article. Those are passed to the app.
    if (req.url !~ "^/[A-Za-z0-9._~/-]*(\?[^#]*)?$" || req.url ~ "^[^?]*/\.") {
        return (pass);
    }
    # Anonymous GETs are looked up even with other cookies (a reader's CSRF
    # cookie): what may be kept is decided by the app's Cache-Control below.
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    # An http:// request must get the app's redirect, never an https:// copy.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}


sub vcl_backend_fetch {
    # A retry (below) goes to another app server than the attempt before it.
    set bereq.backend = app.backend(resolve=NOW, alt=bereq.retries);
}

sub vcl_backend_response {
    # For bans (lurker-friendly: they match the object, not the request).
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Path = regsub(bereq.url, "\?.*$", "");
    # Serve the last copy for this long while no app server answers.
    set beresp.grace = 6h;
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what the app declares shareable: public, no cookie set. Its pages say
    # s-maxage (a day when purging is on), static files a year.
    if (beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "private|no-store|no-cache"
        || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
    }
    return (deliver);
}

sub vcl_backend_error {
    # An app server that refuses the connection or dies mid-answer (restarting,
    # killed) before its probe marks it sick: ask another one. Only for GET and
    # HEAD, which cannot have changed anything.
    if (bereq.retries < 2 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    unset resp.http.X-Url;
    unset resp.http.X-Path;
    # The day-long s-maxage is for this cache, which the site purges; a shared
    # cache beyond it is never purged, so it may not keep pages at all.
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, "s-maxage=[0-9]+", "s-maxage=0");
    }
    if (obj.uncacheable) {
        set resp.http.X-Cache = "pass";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
