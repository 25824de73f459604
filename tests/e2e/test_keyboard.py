"""Keyboard-only readers: the skip link is first and works, and whatever has
focus is always visibly marked and on screen."""

import pytest
from playwright.sync_api import expect

# What the focused element looks like: its focus ring (outline or box-shadow),
# whether it is on screen, and a short name for failure messages.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
          (el.textContent || '').trim().slice(0, 40) + '"',
    isBody: el === document.body,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
              && box.right > 0 && box.left < innerWidth,
  };
}"""

MAX_TAB_STOPS = 400


def visible_focus_problem(state):
    if state["onScreen"] is False:
        return "is off screen or has no size"
    has_outline = state["outlineStyle"] not in ("none", "") and state["outlineWidth"] >= 2
    if not has_outline and state["boxShadow"] in ("none", ""):
        return (
            f"has no visible focus ring (outline {state['outlineStyle']} {state['outlineWidth']}px)"
        )
    return None


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page, launch_site):
    page.goto("/guide/how-mesotherapy-works/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    state = page.evaluate(FOCUS_STATE)
    assert visible_focus_problem(state) is None, visible_focus_problem(state)

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main, "after the skip link, Tab should continue inside the main content"


@pytest.mark.parametrize("path", ["/", "/guide/how-mesotherapy-works/", "/advertiser-disclosure/"])
def test_every_tab_stop_shows_a_visible_focus_ring(page, launch_site, path):
    page.goto(path)
    problems, seen = [], 0
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["isBody"]:
            break  # wrapped past the last tab stop
        seen += 1
        problem = visible_focus_problem(state)
        if problem:
            problems.append(f"{state['name']} {problem}")
    assert seen > 5, f"expected to tab through the page, reached only {seen} stops"
    assert not problems, "\n".join(problems)
