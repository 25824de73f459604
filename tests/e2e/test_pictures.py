"""Library pictures as readers and editors meet them in the browser: the diagram
loads from this site in a modern format, reserves its space (no layout shift),
and the editor's Insert picture button works under the admin's CSP."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article

ARTICLE = "/guide/how-mesotherapy-works/"
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}

# Layout shifts of the whole visit, as Chrome reports them (what CLS adds up).
RECORD_SHIFTS = """() => { window.__shifts = 0; new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts += entry.value;
}).observe({type: 'layout-shift', buffered: true}); }"""


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_diagram_loads_from_this_site_without_shifting_the_page(
    new_context, launch_site, screenshots_dir, width
):
    context = new_context(viewport=VIEWPORTS[width], device_scale_factor=2)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(ARTICLE)
    page.evaluate(RECORD_SHIFTS)
    figure = page.locator("figure").first
    image = figure.locator("img")
    # Space kept before it loads: the box already has the picture's proportions.
    box = image.bounding_box()
    assert box["height"] == pytest.approx(box["width"] * 1040 / 1600, abs=2)
    figure.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".avif")
    assert image.get_attribute("loading") == "lazy"  # below the first blocks
    expect(figure.locator("figcaption")).to_contain_text("Credit: MesoGuide")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") == 0
    assert all(url.startswith(launch_site.url) for url in requests), requests
    figure.screenshot(path=screenshots_dir / f"article-diagram-{width}.png")


def test_an_editor_inserts_a_picture_with_the_button(new_context, launch_site):
    user = get_user_model().objects.create_user(
        "picturer", password="pw", is_staff=True, first_name="Pic", last_name="Tester"
    )
    user.groups.add(Group.objects.get(name="Editor"))
    page = new_context().new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("picturer")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    pk = Article.objects.get(slug="side-effects-and-risks").pk
    page.goto(f"/admin/articles/article/{pk}/change/")
    body = page.locator("#id_body")
    body.evaluate("field => { field.focus(); field.setSelectionRange(0, 0); }")
    page.get_by_label("Picture from the library").select_option("skin-layers-injection-depth")
    page.get_by_role("button", name="Insert picture").click()
    assert body.input_value().startswith("![](image:skin-layers-injection-depth)\n\n")
    assert errors == []  # nothing refused by the admin's Content-Security-Policy
