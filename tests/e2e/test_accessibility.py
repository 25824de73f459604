"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) finds nothing on any kind of public page."""

from axe_playwright_python.sync_playwright import Axe

from tests.e2e.public_pages import PAGE_STATES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def describe(violation):
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def test_no_public_page_has_wcag_violations(page, launch_site, subtests):
    # One site for all pages (each page is its own subtest): loading the
    # launch content once keeps the suite fast.
    axe = Axe()
    for name, visit in PAGE_STATES.items():
        with subtests.test(msg=name):
            visit(page)
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            assert not violations, "\n".join(map(describe, violations))


# landmark-unique is an axe "best practice", outside the WCAG tags above: a page
# with two search landmarks (header and search page) needs a distinct name for each.
LANDMARK_OPTIONS = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}}


def test_landmarks_of_one_kind_have_distinct_names(page, launch_site, subtests):
    axe = Axe()
    for name, visit in PAGE_STATES.items():
        with subtests.test(msg=name):
            visit(page)
            violations = axe.run(page, options=LANDMARK_OPTIONS).response["violations"]
            assert not violations, "\n".join(map(describe, violations))
