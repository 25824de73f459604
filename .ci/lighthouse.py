"""make lighthouse: Lighthouse 12 (npm, in node_modules) against the site served as in production.

Serves a fresh copy of the site (DEBUG off, collected static files, the launch
content in a throw-away SQLite database) with gunicorn on 127.0.0.1, runs
Lighthouse with Debian's Chromium on the home page and an article, on mobile
(Lighthouse's default) and desktop, and prints the four category scores.
Full reports go to test-artifacts/lighthouse/<run id>/.

Environment: LIGHTHOUSE_PORT (default 8390), CHROME_PATH (default /usr/bin/chromium).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv/bin/python"
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8390"))
PAGES = {"home": "/", "article": "/guide/how-mesotherapy-works/"}
FORM_FACTORS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Debian's Chromium, headless, on a machine without a sandbox or network.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-quic --no-first-run --disable-sync"
)


def site_environment(workdir):
    return {
        **os.environ,
        "DEBUG": "off",
        "SECRET_KEY": "lighthouse-run-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir}/lighthouse.sqlite3",
        # Production refuses a per-process cache; a file cache is shared by
        # gunicorn's workers and needs no Redis.
        "CACHE_URL": f"filecache://{workdir}/cache",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "PUBLISHER_NAME": "Lighthouse run (no real publisher)",
        "PUBLISHER_ADDRESS": "Nowhere",
        "PRIVACY_EMAIL": "nobody@localhost.invalid",
        # Served over plain HTTP on 127.0.0.1, with no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "off",
        "LOG_LEVEL": "WARNING",
        # Pictures of the imported content (renditions) go with the throw-away database.
        "MEDIA_ROOT": f"{workdir}/media",
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_until_serving(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The site stopped while starting (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The site did not answer at {url} within {seconds} s.")


def run_lighthouse(url, form_factor, report_base):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        "--output=html",
        f"--output-path={report_base}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    report = json.loads(Path(f"{report_base}.report.json").read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    below = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return scores, below


def main():
    for tool, hint in ((PYTHON, "make install"), (LIGHTHOUSE, "npm ci --ignore-scripts")):
        if not tool.exists():
            sys.exit(f"{tool} is missing: run `{hint}` first.")
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        sys.exit("Chromium not found: apt-get install chromium (or set CHROME_PATH).")
    reports = ROOT / "test-artifacts" / "lighthouse" / time.strftime("%Y%m%d-%H%M%S")
    reports.mkdir(parents=True)
    origin = f"http://127.0.0.1:{PORT}"
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        env = site_environment(workdir)
        manage(env, "collectstatic", "--no-input", "-v", "0")
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "import_content", "-v", "0")
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "mesoguide.wsgi:application", "--bind", f"127.0.0.1:{PORT}"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_serving(origin + "/", server)
            for page, path in PAGES.items():
                for form_factor in FORM_FACTORS:
                    base = reports / f"{page}-{form_factor}"
                    results[page, form_factor] = run_lighthouse(origin + path, form_factor, base)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(
        f"\nLighthouse {lighthouse_version()} on {origin} (reports: {reports.relative_to(ROOT)}/)\n"
    )
    print(f"{'page':<9} {'device':<8}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for (page, form_factor), (scores, _) in results.items():
        print(f"{page:<9} {form_factor:<8}" + "".join(f"{scores[n]:>16}" for n in CATEGORIES))
    print("\nAudits short of full marks (opportunities and insights lower no score by themselves):")
    for (page, form_factor), (_, below) in results.items():
        print(f"  {page} {form_factor}: {', '.join(below) or 'none'}")


def lighthouse_version():
    package = ROOT / "node_modules/lighthouse/package.json"
    return json.loads(package.read_text())["version"]


if __name__ == "__main__":
    main()
