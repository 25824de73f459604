"""Small things a reader notices: the contents fold away on a phone but sit open
beside the text on a wide screen, and an article ends with one newsletter box."""

ARTICLE = "/guide/side-effects-and-risks/"
VISIBLE = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length > 0).length"""


def test_contents_are_folded_on_a_phone_and_open_on_a_wide_screen(launch_site, new_context):
    phone = new_context(viewport={"width": 375, "height": 812}).new_page()
    phone.goto(ARTICLE)
    assert phone.locator(".article-toc details").evaluate("d => d.open") is False
    takeaways = phone.locator("#key-takeaways").bounding_box()
    assert takeaways["y"] < 1.5 * 812, "the text starts near the top, not after the contents"
    phone.get_by_text("On this page").click()
    assert phone.get_by_role("link", name="Warning signs: when to get help").is_visible()

    desktop = new_context(viewport={"width": 1280, "height": 900}).new_page()
    desktop.goto(ARTICLE)
    assert desktop.get_by_role("link", name="Warning signs: when to get help").is_visible()


def test_an_article_ends_with_one_newsletter_box(launch_site, page):
    page.goto(ARTICLE)
    assert page.evaluate(VISIBLE, ".newsletter-signup") == 1
    page.goto("/")
    assert page.evaluate(VISIBLE, ".newsletter-signup") == 1, "other pages keep the footer's"
