"""Render the drawings (drawings/*.svg) to the PNGs the library imports.

Run from the repository root after changing a drawing:
    .venv/bin/python content/images/render_drawings.py
Uses Debian's headless Chromium through Playwright, at twice the SVG's size.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SCALE = 2


def render_all():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for svg in sorted((HERE / "drawings").glob("*.svg")):
            text = svg.read_text(encoding="utf-8")
            width = int(text.split('width="', 1)[1].split('"', 1)[0])
            height = int(text.split('height="', 1)[1].split('"', 1)[0])
            page = browser.new_page(
                viewport={"width": width, "height": height}, device_scale_factor=SCALE
            )
            page.goto(svg.as_uri())
            page.screenshot(path=HERE / f"{svg.stem}.png", omit_background=False)
            page.close()
            print(f"{svg.name} -> {svg.stem}.png ({width * SCALE} x {height * SCALE})")
        browser.close()


if __name__ == "__main__":
    render_all()
