# MesoGuide's app servers, for varnish.vcl: one backend per app server (gunicorn
# on HOST:PORT), each probed on /readyz (200 while its database answers).

probe ready {
    .request = "GET /readyz HTTP/1.1"
        "Host: localhost"
        "Connection: close";
    .interval = 2s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend app1 {
    .host = "10.0.0.11";
    .port = "8000";
    .probe = ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 35s;  # GUNICORN_TIMEOUT (30) and a little
}

backend app2 {
    .host = "10.0.0.12";
    .port = "8000";
    .probe = ready;
    .connect_timeout = 1s;
    .first_byte_timeout = 35s;
}

# Who may send PURGE and BAN: the app servers (and this machine). client.ip is the
# reader's address given by the TLS terminator's PROXY header; anything that
# connects on readers' behalf without that header would pass as its own address,
# so then leave its address out of this list.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.11";
    "10.0.0.12";
}

# Each URL goes to one app server (the others if it is sick), so a retry can
# ask a different one (varnish.vcl, vcl_backend_fetch).
sub vcl_init {
    new app = directors.shard();
    app.add_backend(app1);
    app.add_backend(app2);
    app.reconfigure();
}
