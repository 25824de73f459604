"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) finds nothing on any kind of public page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.public_pages import PAGE_STATES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def describe(violation):
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


@pytest.mark.parametrize("state", PAGE_STATES)
def test_page_has_no_wcag_violations(page, launch_site, state):
    PAGE_STATES[state](page)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, "\n".join(map(describe, violations))
