"""A reader finds an article from the home page, uses its contents and sources,
and checks how the site makes money, in a real browser."""

import re

from playwright.sync_api import expect

ARTICLE_TITLE = "How mesotherapy for cellulite works"

IN_VIEWPORT = """el => {
  const box = el.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}"""


def test_reader_goes_from_home_to_an_article_its_contents_and_a_source_and_back(page, launch_site):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mesotherapy for cellulite")
    page.get_by_role("link", name=ARTICLE_TITLE).click()
    expect(page).to_have_url(re.compile(r"/guide/how-mesotherapy-works/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)

    contents = page.get_by_role("navigation", name="On this page")
    jump = contents.get_by_role("link", name="How the injections are supposed to work")
    jump.click()
    expect(page).to_have_url(re.compile(r"#how-the-injections-are-supposed-to-work$"))
    section = page.locator("#how-the-injections-are-supposed-to-work")
    assert section.evaluate(IN_VIEWPORT), "the contents link should scroll to its section"

    first_citation = page.locator("a.footnote-ref").first
    citation_id = first_citation.evaluate("a => a.closest('sup').id")
    note_id = first_citation.get_attribute("href").removeprefix("#")
    first_citation.click()
    note = page.locator(f"[id='{note_id}']")
    expect(page).to_have_url(re.compile(f"#{re.escape(note_id)}$"))
    assert note.evaluate(IN_VIEWPORT), "the citation should scroll to its source"
    expect(note).to_contain_text("https://")

    note.locator("a.footnote-backref").first.click()
    expect(page).to_have_url(re.compile(f"#{re.escape(citation_id)}$"))
    assert page.locator(f"[id='{citation_id}']").evaluate(IN_VIEWPORT), (
        "the back link should return to the citation in the text"
    )


def test_reader_finds_how_the_site_makes_money_from_any_page(page, launch_site):
    page.goto("/guide/side-effects-and-risks/")
    banner = page.get_by_role("complementary", name="Advertiser disclosure")
    expect(banner).to_contain_text("We may earn money")
    banner.get_by_role("link", name="How we make money").click()
    expect(page).to_have_url(re.compile(r"/advertiser-disclosure/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Advertiser disclosure")


def test_unknown_address_shows_a_helpful_not_found_page(page, launch_site):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can’t find that page")
    page.get_by_role("link", name="Go to the guide’s contents").click()
    expect(page).to_have_url(re.compile(r"/$"))
