"""The Wagtail row of `make bench`: MesoGuide's article served by Wagtail 8's page serving.

bench/wagtail_site/ is a minimal Wagtail project of our own (settings as
`wagtail start` gives a production site, one ArticlePage model). This module
installs it into .venv-wagtail/ (pinned, bench/wagtail_site/requirements.txt)
when that is missing or out of date, gives it a throwaway database of the same
engine as the bench's (SQLite in the run's temporary directory, or a database
created beside BENCH_DATABASE_URL's on the same PostgreSQL server and dropped
at the end), publishes the article there with the title, summary and body of
our live revision, and writes its template from our rendered page: every byte
of our page around those three as it is, so both servers send about the same
bytes. Wagtail then serves it with Page.serve() on every request: no page
cache, no fragment cache.

BENCH_WAGTAIL=0 leaves the row out.
"""

import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.utils.html import escape

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = ROOT / "bench" / "wagtail_site"
REQUIREMENTS = SITE_DIR / "requirements.txt"
VENV = ROOT / ".venv-wagtail"
PYTHON = VENV / "bin" / "python"
GUNICORN = VENV / "bin" / "gunicorn"
# Records which requirements the venv was installed from.
STAMP = VENV / ".installed"
ROW = "Wagtail 8: the article, page served"
# Our article rebuilt over Wagtail serving it (issue 16), in requests/s.
TARGET = 4.0
TEMPLATE = "guide/article_page.html"


def key_prefix(our_environment):
    """The Wagtail site's cache key prefix: beside ours, in the same Redis database."""
    return f"{our_environment['CACHE_KEY_PREFIX']}-wagtail"


# What our site's shell prints: the live revision's title, summary and body as
# readers get them (the body with today's paid links marked, as the page shows it).
_DUMP_ARTICLE = """
import json
from django.utils.safestring import mark_safe
from articles.models import Article
from partners.templatetags.paid_links import mark_paid_links_filter
revision = Article.objects.get(slug={slug!r}).live_revision
print(json.dumps({{
    "title": revision.title,
    "summary": revision.summary,
    "body": str(mark_paid_links_filter(mark_safe(revision.body_html))),
}}))
"""


def enabled():
    return os.environ.get("BENCH_WAGTAIL", "1") != "0"


def ensure_venv():
    """Create .venv-wagtail/ and install the pinned requirements, unless already done."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if GUNICORN.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing Wagtail into .venv-wagtail/ (once) ...", flush=True)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [PYTHON, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS], check=True
    )
    STAMP.write_text(wanted)


def article_content(our_python, our_environment, slug):
    """{"title", "summary", "body"} of our article's live revision, read by our own site."""
    output = subprocess.run(  # noqa: S603
        [our_python, "manage.py", "shell", "-c", _DUMP_ARTICLE.format(slug=slug)],
        cwd=ROOT,
        env=our_environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def page_template(page, content):
    """A Django template for ArticlePage that renders to about `page`, our rendered article.

    The body, summary and title (in that order, as each may contain the next) are
    cut out wherever our page shows them, as Django escapes them, and become
    {{ page.body|richtext }}, {{ page.summary }} and {{ page.title }}; everything
    else is kept verbatim. Wagtail's user bar follows <body>, as in `wagtail start`'s
    base template (empty for readers).
    """
    pieces = [page]
    for value, tag in (
        (content["body"], "{{ page.body|richtext }}"),
        (escape(content["summary"]), "{{ page.summary }}"),
        (escape(content["title"]), "{{ page.title }}"),
    ):
        if value not in page:
            raise SystemExit(f"Wagtail bench: our article page does not show {value[:60]!r}.")
        pieces = _cut(pieces, value, tag)
    pieces = _cut(pieces, "<body>", "{% wagtailuserbar %}", keep=True, times=1)
    template = ["{% load wagtailcore_tags wagtailuserbar %}"]
    for piece in pieces:
        if isinstance(piece, str):
            if "{% endverbatim %}" in piece:
                raise SystemExit("Wagtail bench: our page contains {% endverbatim %}.")
            template.append("{% verbatim %}" + piece + "{% endverbatim %}")
        else:
            template.append(piece[0])
    return "".join(template)


def _cut(pieces, value, tag, keep=False, times=-1):
    """pieces with the text pieces cut at value: a tuple (tag,) stands in for it (or
    follows it, with keep), at most `times` times in all."""
    out = []
    for piece in pieces:
        if not isinstance(piece, str) or not times:
            out.append(piece)
            continue
        parts = piece.split(value, times)
        times -= len(parts) - 1
        out.append(parts[0])
        for part in parts[1:]:
            out += [value, (tag,), part] if keep else [(tag,), part]
    return out


class WagtailSite:
    """The comparison site's database, content and environment, for one bench run.

    `with WagtailSite(workdir, ours) as site:` makes the database (dropped at the
    end when it is PostgreSQL's); site.publish(content, page, path) migrates,
    publishes the article at path and writes its template; site.environment is
    what its gunicorn runs with.
    """

    def __init__(self, workdir, our_environment):
        self.workdir = workdir
        self.templates = workdir / "wagtail_templates"
        self.dropped_database = None
        ours = our_environment["DATABASE_URL"]
        if urlsplit(ours).scheme in ("postgres", "postgresql"):
            parts = urlsplit(ours)
            name = f"{parts.path.lstrip('/')}_wagtail_{secrets.token_hex(3)}"
            database_url = urlunsplit(parts._replace(path=f"/{name}"))
            self.dropped_database = (ours, name)
        else:
            database_url = f"sqlite:///{workdir / 'wagtail.sqlite3'}"
        self.environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": our_environment["ALLOWED_HOSTS"],
            "DATABASE_URL": database_url,
            "CACHE_URL": our_environment["CACHE_URL"],
            "CACHE_KEY_PREFIX": key_prefix(our_environment),
            "WAGTAIL_BENCH_TEMPLATES": str(self.templates),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": our_environment["WEB_CONCURRENCY"],
            "GUNICORN_ACCESS_LOG": str(workdir / "wagtail-access.log"),
        }

    def __enter__(self):
        if self.dropped_database:
            _postgresql(self.dropped_database[0], f'CREATE DATABASE "{self.dropped_database[1]}"')
        return self

    def __exit__(self, *exc):
        if self.dropped_database:
            _postgresql(
                self.dropped_database[0],
                f'DROP DATABASE IF EXISTS "{self.dropped_database[1]}" WITH (FORCE)',
            )

    def publish(self, content, page, path):
        """Migrate, publish the article at path ("/section/slug/") and write its template."""
        print("Preparing the Wagtail site ...", flush=True)
        section, slug = path.strip("/").split("/")
        source = self.workdir / "wagtail_article.json"
        source.write_text(
            json.dumps(
                {
                    **content,
                    "section": {"title": section.capitalize(), "slug": section},
                    "slug": slug,
                }
            )
        )
        (self.templates / Path(TEMPLATE).parent).mkdir(parents=True)
        (self.templates / TEMPLATE).write_text(page_template(page, content))
        self._manage("migrate", "--no-input", "-v", "0")
        self._manage("create_article", str(source))

    def _manage(self, *args):
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=SITE_DIR,
            env=self.environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _postgresql(url, statement):
    """Run one statement outside a transaction on the server of the database at url."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)
