"""The Nu HTML Checker finds no error in the HTML of any kind of public page."""

from tests.e2e import html_checker
from tests.e2e.conftest import missing_tool
from tests.e2e.public_pages import PAGE_STATES


def test_every_public_page_is_valid_html(page, launch_site, artifacts_dir):
    reason = html_checker.missing_reason()
    if reason:
        missing_tool(reason)
    folder = artifacts_dir / "html"
    folder.mkdir(exist_ok=True)
    files = []
    for name, visit in PAGE_STATES.items():
        path = folder / f"{name}.html"
        path.write_text(visit(page).text())
        files.append(path)

    report = html_checker.check_files(files)

    errors = {
        name: [html_checker.describe(m) for m in messages if m["type"] != "info"]
        for name, messages in report.items()
    }
    errors = {name: found for name, found in errors.items() if found}
    assert not errors, "\n".join(
        f"{name}: {line}" for name, lines in errors.items() for line in lines
    )
