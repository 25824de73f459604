"""The browser suite: Debian's Chromium driven by Playwright against pytest-django's live server.

One Chromium per session, a fresh context (cookies, storage) per test. Where
no Chromium is installed the tests are skipped with the reason shown in the
summary, except under CI (CI=true), where a missing browser fails the run.
"""

import os
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

E2E_DIR = Path(__file__).resolve().parent
REPO_DIR = E2E_DIR.parents[1]

# Flags for a sandboxed, offline machine: no GPU, and none of Chromium's own
# calls home (the network is closed; they only slow start-up and fill logs).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path():
    """Debian's Chromium (or CHROMIUM_PATH), or None when it is not installed."""
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.access(candidate, os.X_OK) else None


def missing_tool(reason):
    """Skip with a visible reason; under CI a missing tool is a failure, not a skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser suite must run)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts_dir():
    """test-artifacts/<run id>/: screenshots and reports of this run (git-ignored)."""
    run_id = os.environ.get("E2E_RUN_ID") or time.strftime("%Y%m%d-%H%M%S")
    path = REPO_DIR / "test-artifacts" / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def screenshots_dir(artifacts_dir, request):
    path = artifacts_dir / "screenshots"
    path.mkdir(exist_ok=True)
    request.config.stash[SCREENSHOTS_KEY] = path
    return path


SCREENSHOTS_KEY = pytest.StashKey[Path]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = config.stash.get(SCREENSHOTS_KEY, None)
    if path is not None:
        terminalreporter.write_line(f"Screenshots of this run: {path.relative_to(REPO_DIR)}/")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        missing_tool("Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # Django takes for async code; the test code itself is plain synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def launch_site(live_server):
    """The real launch content, imported as an operator would, plus the editorial roles.

    The live server needs committed data, so these tests run on a flushed
    transactional database; the roles migration's groups are restored here.
    """
    from django.contrib.auth.models import Group, Permission

    from articles.roles import sync_groups

    sync_groups(Group, Permission)
    call_command("import_content", stdout=StringIO())
    return live_server


@pytest.fixture
def new_context(browser, live_server, transactional_db):
    """Factory for browser contexts (one per visitor) bound to the live server.

    It asks for the database so that its contexts close before the test database
    is emptied: a request still reaching the live server then would find its
    tables locked or gone."""
    contexts = []
    in_flight = set()  # requests sent and not yet answered

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.on("request", lambda r: in_flight.add(r))
        context.on("requestfinished", lambda r: in_flight.discard(r))
        context.on("requestfailed", lambda r: in_flight.discard(r))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        # Closing a page with unsaved text sends it to the autosave endpoint as the
        # page goes away (static/js/autosave.js): blocked. Requests already on their
        # way (the 15-second autosave, a fetch) are let finish first. The tests that
        # check leaving (test_autosave_leaving.py) do so in their body.
        context.route("**/autosave/", lambda route: route.abort())
    pages = [page for context in contexts for page in context.pages]
    deadline = time.monotonic() + 5
    while in_flight and pages and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)  # lets Playwright deliver the answers
    for context in contexts:
        # The page's own keepalive fetch as it closes can pass the route (a fresh
        # clone's run saw one reach the server while the tables were emptied): no
        # network at all for a closing context.
        context.set_offline(True)
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
