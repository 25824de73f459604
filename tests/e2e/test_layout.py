"""The home page and an article at a phone's and a desktop's width: nothing
spills sideways, and a full-page screenshot of each is kept for a person to look at."""

import pytest

WIDTHS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
PAGES = {"home": "/", "article": "/guide/how-mesotherapy-works/"}

# Elements wider than the viewport, which force a sideways scroll.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest('.prose table'))  /* wide tables scroll inside their own box */
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
  .slice(0, 10)"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_and_is_captured(
    new_context, launch_site, screenshots_dir, name, width
):
    page = new_context(viewport=WIDTHS[width], device_scale_factor=1).new_page()
    page.goto(PAGES[name])
    page.screenshot(path=screenshots_dir / f"{name}-{width}.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTHS[width]["width"], (
        f"{name} scrolls sideways at {width}px: {page.evaluate(OVERFLOWING)}"
    )
