"""MesoGuide settings: one module, every value from the environment.

Development needs no configuration at all. With DEBUG off the site refuses to
start unless the values a public deployment cannot guess are given, and it is
secure by default: HTTPS only, HSTS, a strict Content-Security-Policy, secure
cookies, throttled logins and public forms.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)


def _required_in_production(name, development_default):
    """The value of NAME; with DEBUG off a missing value stops start-up by name."""
    if name in env.ENVIRON:
        return env.ENVIRON[name]
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


SECRET_KEY = _required_in_production("SECRET_KEY", "development-only-key-not-for-production")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=_required_in_production("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(
        ","
    ),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The 403 page, or for a comment or sign-up sent without a token (no script to
# fetch one) the form's page to confirm it: mesoguide/form_tokens.py.
CSRF_FAILURE_VIEW = "mesoguide.form_tokens.csrf_failure"

INSTALLED_APPS = [
    "mesoguide.apps.MesoGuideConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "articles",
    "partners",
    "discussion",
    "newsletter",
    "readership",
    "discovery",
    "notifications",
    "images",
    # Knows no content app: the apps above tell it what their changes refresh.
    "pagecache",
    # Purges a CDN or Varnish when pagecache says pages changed; knows no content app either.
    "frontcache",
]

MIDDLEWARE = [
    # Load-balancer probes are answered first: no host check, no HTTPS redirect.
    "mesoguide.health.HealthCheckMiddleware",
    "mesoguide.client_ip.ProxiedClientIPMiddleware",
    # Stores pages with every header the middleware below adds (security headers),
    # and replays them on a hit; most hits are answered before Django even starts
    # (pagecache/wsgi.py). It serves only anonymous GETs and HEADs of pages
    # without a token, so sessions, CSRF and the POST limits have nothing to do
    # for its hits; plain HTTP under SECURE_SSL_REDIRECT goes on to be redirected.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mesoguide.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mesoguide.security_headers.SiteCSPMiddleware",
    "mesoguide.url_parameters.UnstorableParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mesoguide.post_limits.PublicPostLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "mesoguide.outage.DatabaseOutageMiddleware",
    # Pages built after a scheduled revision's moment show it (articles/scheduling.py).
    "articles.scheduling.ScheduledPublishingMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-axes must come last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Staff sign in through the admin; after a login whose ?next= is refused (another
# site's address), they land on its index rather than Django's /accounts/profile/.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    # Refuses logins from a locked-out user name and address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mesoguide.urls"
WSGI_APPLICATION = "mesoguide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mesoguide.context_processors.site",
                "articles.context_processors.footer",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url_config(
        _required_in_production("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mesoguide.sqlite3'}")
    ),
}
# Persistent connections, checked before reuse so a restarted database is
# picked up again without restarting the app.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Its health check skipped for a connection that answered within the last
    # second (mesoguide/postgresql/base.py): one round trip less per request.
    DATABASES["default"]["ENGINE"] = "mesoguide.postgresql"
    # psycopg 3. Fail fast when the database is unreachable: readers get the
    # 503 page in seconds instead of a hung worker.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
    # Parameters sent apart from the SQL (server-side binding), and a query run
    # DATABASE_PREPARE_THRESHOLD times on a connection prepared, so PostgreSQL
    # stops parsing and planning it: the rebuilt article page's one query cost the
    # database 0.14-0.18 ms of CPU unprepared, 0.05 ms prepared, and the app 0.05
    # ms less (README, "Speed"). 0 turns preparing off, for a pooler in
    # transaction mode that can't keep prepared statements (PgBouncer before 1.21).
    options.setdefault("server_side_binding", True)
    options.setdefault(
        "prepare_threshold", env.int("DATABASE_PREPARE_THRESHOLD", default=5) or None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url_config(_required_in_production("CACHE_URL", "locmemcache://mesoguide"))
}
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="mesoguide")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's backend, reusing its Redis client objects and answering as a miss
    # while Redis is away (mesoguide/redis_cache.py).
    CACHES["default"]["BACKEND"] = "mesoguide.redis_cache.FailSoftRedisCache"
    # A Redis outage must slow no request down by more than a moment.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 1)
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if not DEBUG and CACHES["default"]["BACKEND"] in _PER_PROCESS_CACHES:
    # Page-cache invalidation, rate limits and login throttling only hold
    # when every worker and every app server sees the same cache.
    raise ImproperlyConfigured(
        "CACHE_URL must name a cache shared by all processes (e.g. redis://host:6379/0) "
        "when DEBUG is off."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# One date-time format with the zone in the admin: "1 Dec 2026, 14:32 UTC" (mesoguide/formats/).
FORMAT_MODULE_PATH = ["mesoguide.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded pictures and their renditions (images/). On one machine the file
# system is all it takes; with several app servers, point "default" at shared
# storage (docs/operations: an S3-compatible bucket through django-storages).
# Readers fetch renditions from this site's /media/ either way.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url_config(_required_in_production("EMAIL_URL", "consolemail://"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MesoGuide <newsletter@localhost>")

# Where the guide's Markdown lives; import_content reads it.
CONTENT_DIR = Path(env("CONTENT_DIR", default=str(BASE_DIR / "content")))
SITE_NAME = "MesoGuide"
# The absolute origin used in canonical links, feeds, sitemaps and e-mails. In
# development the request's own host is used when this is empty; in production
# it is required, so no link can point where a client's Host header says.
SITE_URL = _required_in_production("SITE_URL", "").rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured("SITE_URL must be an origin like https://mesoguide.example.")
# Who runs the site: the data controller the privacy page names, with a postal
# address and a private address for requests about personal data. Required in
# production, so the page can never go live without them; empty in development,
# where the page says that no publisher is set.
PUBLISHER_NAME = _required_in_production("PUBLISHER_NAME", "").strip()
PUBLISHER_ADDRESS = _required_in_production("PUBLISHER_ADDRESS", "").strip()
PRIVACY_EMAIL = _required_in_production("PRIVACY_EMAIL", "").strip()
for _name in ("PUBLISHER_NAME", "PUBLISHER_ADDRESS", "PRIVACY_EMAIL"):
    if not DEBUG and not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must not be empty when DEBUG is off.")
if PRIVACY_EMAIL and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", PRIVACY_EMAIL):
    raise ImproperlyConfigured("PRIVACY_EMAIL must be an e-mail address like privacy@example.org.")

# --- Security -------------------------------------------------------------------
# Everything below is on whenever DEBUG is off; `manage.py check --deploy
# --fail-level WARNING` passes with nothing silenced.


def _proxy_ssl_header(value):
    """'X-Forwarded-Proto: https' -> ('HTTP_X_FORWARDED_PROTO', 'https'); empty -> None."""
    if not value:
        return None
    header, _, expected = value.partition(":")
    # gunicorn trusts X-Forwarded-Proto alone too (gunicorn.conf.py).
    if header.strip().lower() != "x-forwarded-proto" or not expected.strip():
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https'."
        )
    return ("HTTP_X_FORWARDED_PROTO", expected.strip())


# Only behind a TLS-terminating proxy that always sets (never forwards) this
# header. Never trusted by default; when set, trusted only from the proxies in
# FORWARDED_ALLOW_IPS and only as one exact value (mesoguide/client_ip.py).
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env("SECURE_PROXY_SSL_HEADER", default=""))
# The addresses of the proxies in front of the app (comma-separated addresses or
# networks, "*" for any): the same variable gunicorn reads (gunicorn.conf.py).
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
# How many proxies (load balancer, CDN ...) append to X-Forwarded-For in front
# of the app; 0 trusts no forwarding header and uses the connection's address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Sessions (only editors have them) live in the database, not in the cache: one
# indexed read per editor request, and editors keep working while Redis is away.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Public pages: no inline script or style anywhere; scripts may fetch from the
# site itself (a form's CSRF token, mesoguide/form_tokens.py). The admin gets
# its own, nearly as tight, policy (mesoguide/security_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Admin login: lock an account out after 5 failures from any addresses, for an
# hour (per user name and address alone, 30 addresses made 30 allowances); the
# editor is told by mail (mesoguide/login_lockout.py). Guessing across many
# accounts from one address is held by the public POST limit. Attempts are kept
# in the database, shared by every app server.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Per (user name, address) as before and per user name from anywhere: the
# second is reached first; the first is what axes' own check asks for.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# REMOTE_ADDR, as mesoguide/client_ip.py set it behind proxies, an IPv6 address
# as its /64 network (None for a login made in code, which has no address).
AXES_CLIENT_IP_CALLABLE = "mesoguide.ratelimit.address_or_none"
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429

# Every public POST (comments, newsletter ...) per client address: at most
# PUBLIC_POST_LIMIT in PUBLIC_POST_WINDOW seconds. Forms may add tighter limits.
PUBLIC_POST_LIMIT = env.int("PUBLIC_POST_LIMIT", default=30)
PUBLIC_POST_WINDOW = env.int("PUBLIC_POST_WINDOW", default=600)

# --- Page cache ---------------------------------------------------------------------
# Anonymous GETs of home, topic and article pages are kept in the shared cache
# and refreshed on publish (pagecache/). 0 turns the cache off.
# The running release, in the keys of cached pages and parts (mesoguide/release.py);
# empty: a fingerprint of the code, templates and static files.
RELEASE = env("RELEASE", default="")
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 3600)
# How long each app process may serve its own copy of a cached page without
# asking the shared cache (saves a Redis round trip per request). Another
# process sees a refreshed page at most this much later.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=0 if DEBUG else 1.0)
# --- Front cache (a CDN or caching proxy in front of the app servers) -----------------
# When pages change they are purged from it at once (frontcache/purging.py), by
# one of: "http" (Varnish with deploy/varnish.vcl, nginx, Squid), "cloudflare",
# "cloudfront". Empty: nothing is purged.
FRONTEND_CACHE_BACKEND = env("FRONTEND_CACHE_BACKEND", default="")
if FRONTEND_CACHE_BACKEND not in ("", "http", "cloudflare", "cloudfront"):
    raise ImproperlyConfigured(
        "FRONTEND_CACHE_BACKEND must be empty, http, cloudflare or cloudfront."
    )
# http: every caching proxy to purge (e.g. http://10.0.0.5:6081,http://10.0.0.6:6081)
# and how: BAN (a path with any query string; deploy/varnish.vcl) or PURGE (one URL).
FRONTEND_CACHE_HTTP_SERVERS = env.list("FRONTEND_CACHE_HTTP_SERVERS", default=[])
FRONTEND_CACHE_HTTP_METHOD = env("FRONTEND_CACHE_HTTP_METHOD", default="BAN").upper()
# cloudflare: the zone's id and an API token with its Cache Purge permission.
CLOUDFLARE_ZONE_ID = env("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_API_TOKEN = env("CLOUDFLARE_API_TOKEN", default="")
# cloudfront: the distribution's id; AWS credentials the usual way (boto3).
CLOUDFRONT_DISTRIBUTION_ID = env("CLOUDFRONT_DISTRIBUTION_ID", default="")
# Seconds to wait for the front cache's answer to one purge call.
FRONTEND_CACHE_TIMEOUT = env.float("FRONTEND_CACHE_TIMEOUT", default=5.0)
# Each purge is sent again this many seconds later, for a page an app server was
# still building from the data before the change when the first one arrived.
FRONTEND_CACHE_REPEAT_SECONDS = env.float("FRONTEND_CACHE_REPEAT_SECONDS", default=5.0)
# Purges leave on a thread of their own, so no editor waits for the front cache.
FRONTEND_CACHE_PURGE_IN_BACKGROUND = env.bool("FRONTEND_CACHE_PURGE_IN_BACKGROUND", default=True)
_FRONTEND_CACHE_NEEDS = {
    "http": ["FRONTEND_CACHE_HTTP_SERVERS", "SITE_URL"],
    "cloudflare": ["CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN", "SITE_URL"],
    "cloudfront": ["CLOUDFRONT_DISTRIBUTION_ID"],
}
_missing = [
    name for name in _FRONTEND_CACHE_NEEDS.get(FRONTEND_CACHE_BACKEND, []) if not globals()[name]
]
if _missing:
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE_BACKEND={FRONTEND_CACHE_BACKEND} needs {' and '.join(_missing)}."
    )
if FRONTEND_CACHE_HTTP_METHOD not in ("BAN", "PURGE"):
    raise ImproperlyConfigured("FRONTEND_CACHE_HTTP_METHOD must be BAN or PURGE.")
# A front cache refilled just after a purge from one process's own older copy of
# a page would keep that old page for CDN_CACHE_SECONDS. With purging on, every
# process asks the shared cache each time (the front cache takes the load anyway).
if FRONTEND_CACHE_BACKEND:
    if env.float("PAGE_CACHE_LOCAL_SECONDS", default=0) > 0:
        raise ImproperlyConfigured(
            "PAGE_CACHE_LOCAL_SECONDS must be 0 with FRONTEND_CACHE_BACKEND: a purged "
            "front cache could be refilled with a page older than the change."
        )
    PAGE_CACHE_LOCAL_SECONDS = 0
# How long a CDN may keep a page without a form token (s-maxage). With purging
# on, a change leaves the front cache within a second, so a day; without, this
# bounds how long an unpublished or corrected page lingers there: 5 minutes.
CDN_CACHE_SECONDS = env.int(
    "CDN_CACHE_SECONDS", default=24 * 3600 if FRONTEND_CACHE_BACKEND else 300
)
# Whether the front cache may keep a page's query-string variants (?page=2,
# ?utm_source=...): only where a purge reaches them. Varnish's BAN does (any query
# string); Cloudflare and PURGE purge exact URLs, and CloudFront's wildcards leave
# the home page's out, so there they get s-maxage=0, or a retracted article would
# live on under ?utm_source= for CDN_CACHE_SECONDS. Without purging, every URL
# keeps the same short lifetime.
CDN_CACHE_QUERY_STRINGS = not FRONTEND_CACHE_BACKEND or (
    FRONTEND_CACHE_BACKEND == "http" and FRONTEND_CACHE_HTTP_METHOD == "BAN"
)

# Article view counts are buffered in the cache and written to the database
# once an article has this many new visits, or this many seconds after its
# last write (see readership/counting.py).
VIEW_COUNT_FLUSH_EVERY = env.int("VIEW_COUNT_FLUSH_EVERY", default=50)
VIEW_COUNT_FLUSH_SECONDS = env.int("VIEW_COUNT_FLUSH_SECONDS", default=60)
# Each process adds its counted visits to the shared counter at most this often.
VIEW_COUNT_PUSH_SECONDS = env.float("VIEW_COUNT_PUSH_SECONDS", default=0 if DEBUG else 1)
# Readers see an article's count once it means something, and never more than this
# many seconds behind: pages showing it leave the page cache (and a CDN) that soon.
VIEW_COUNT_SHOWN_FROM = env.int("VIEW_COUNT_SHOWN_FROM", default=100)
VIEW_COUNT_MAX_LAG_SECONDS = env.int("VIEW_COUNT_MAX_LAG_SECONDS", default=300)

# --- Logging ----------------------------------------------------------------------
# To standard output. gunicorn writes the one line per request (gunicorn.conf.py);
# django.request would repeat 4xx lines, so it only reports server errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Start-up banner and housekeeping; failed logins and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}
