"""Printing: an article prints as the article, its sources and its address, and
nothing else; the checklist of questions prints on one page. Chromium's PDFs are
kept with the screenshots for a person to look at."""

import re

ARTICLE = "/guide/side-effects-and-risks/"
CHECKLIST = "/questions-to-ask/"
SCREEN_ONLY = [
    ".disclosure-banner",
    ".site-header",
    ".site-search",
    ".breadcrumbs",
    ".article-stats",
    ".article-toc",
    ".share",
    ".newsletter-signup",
    ".comments",
    ".article-aside",
    ".site-footer",
    ".footnote-backref",
]
VISIBLE = """selector => [...document.querySelectorAll(selector)]
  .some(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')"""


def shown(page, selector):
    return page.evaluate(VISIBLE, selector)


def pdf_pages(pdf_bytes):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf_bytes))


def test_printed_article_is_the_text_its_sources_and_its_address(
    launch_site, page, screenshots_dir
):
    page.goto(ARTICLE)
    assert all(shown(page, selector) for selector in (".site-header", ".article-toc", ".comments"))
    assert not shown(page, ".print-url")

    page.emulate_media(media="print")
    left_in = [selector for selector in SCREEN_ONLY if shown(page, selector)]
    assert left_in == [], f"printed although only for the screen: {left_in}"
    for selector in ("h1", ".byline", ".prose", ".footnote", ".print-url"):
        assert shown(page, selector), selector
    assert page.locator(".print-url").inner_text().endswith(f"{launch_site.url}{ARTICLE}")

    pdf = page.pdf(format="A4")
    (screenshots_dir / "article-print.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) <= 7, "the article and its sources, not the page around them"


def test_checklist_prints_on_one_page_with_boxes_to_tick(launch_site, page, screenshots_dir):
    page.goto(CHECKLIST)
    page.emulate_media(media="print")
    box = page.evaluate("getComputedStyle(document.querySelector('.prose li'), '::before').content")
    assert box == '"☐"'
    pdf = page.pdf(format="A4")
    (screenshots_dir / "checklist-print.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
