"""Autosave in the browser, at the moment of leaving: text typed after the last
interval is sent as the page goes away, and only its writer is offered it back."""

import re

from playwright.sync_api import expect

from articles import autosave
from articles.models import Article
from tests.e2e.test_editors_workspace import log_in

TYPED = "Typed a moment before leaving."


def test_text_typed_just_before_leaving_is_kept_for_its_writer_only(
    new_context, launch_site, monkeypatch, screenshots_dir
):
    monkeypatch.setattr(autosave, "INTERVAL_SECONDS", 600)  # no interval passes here
    _, page = log_in(new_context, "wren", "Writer")
    _, other = log_in(new_context, "eli", "Editor")
    article = Article.objects.filter(kind="article").order_by("pk").first()
    change = f"/admin/articles/article/{article.pk}/change/"
    page.goto(change)
    body = page.get_by_label("Body")
    body.click()
    body.press("Control+End")
    body.press_sequentially(f"\n\n{TYPED}")
    page.once("dialog", lambda dialog: dialog.accept())  # "Leave site?"
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editorial desk")

    page.goto(change)
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text(re.compile(r"Restore unsaved text from \d\d:\d\d UTC\?"))
    page.screenshot(path=screenshots_dir / "autosave-after-leaving.png")
    offer.get_by_role("link", name="Restore my unsaved text").click()
    expect(page.get_by_label("Body")).to_have_value(re.compile(re.escape(TYPED)))

    other.goto(change)
    expect(other.locator(".autosave-offer")).to_have_count(0)
    expect(other.get_by_label("Body")).not_to_have_value(re.compile(re.escape(TYPED)))


def test_signed_out_while_typing_the_page_says_nothing_was_kept(
    new_context, launch_site, monkeypatch
):
    """The session ended (signed out in another tab, or it expired): the autosave
    lands on the sign-in page. The form must not claim the text was kept."""
    monkeypatch.setattr(autosave, "INTERVAL_SECONDS", 1)
    _, page = log_in(new_context, "wren", "Writer")
    article = Article.objects.filter(kind="article").order_by("pk").first()
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.context.clear_cookies(name="sessionid")  # the CSRF cookie stays, as it does
    body = page.get_by_label("Body")
    body.click()
    body.press("Control+End")
    body.press_sequentially(" More words.")
    status = page.locator("#admin-autosave-status")
    expect(status).to_contain_text("Not autosaved", timeout=10_000)
    expect(status).to_contain_text("signed out")
    expect(status).not_to_contain_text("kept at")
    assert not autosave.AutosavedText.objects.exists()


def test_refused_for_autosaving_too_often_the_text_is_sent_again_without_more_typing(
    new_context, launch_site, monkeypatch
):
    """Past the account's limit the page says "Not autosaved ... tried again at
    the next interval": it must be, even if the editor has stopped typing."""
    from mesoguide.ratelimit import RateLimit

    class OverOnce(RateLimit):
        """Over the limit at the first autosave (other tabs used the minute), then not."""

        def hit(self, identity):
            self.refused.append(identity)
            return len(self.refused) > 1

    monkeypatch.setattr(autosave, "INTERVAL_SECONDS", 1)
    monkeypatch.setattr(autosave, "AUTOSAVE_RATE_LIMIT", OverOnce("autosave", 40, 60))
    autosave.AUTOSAVE_RATE_LIMIT.__dict__["refused"] = []
    _, page = log_in(new_context, "wren", "Writer")
    article = Article.objects.filter(kind="article").order_by("pk").first()
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    body = page.get_by_label("Body")
    body.click()
    body.press("Control+End")
    body.press_sequentially(f" {TYPED}")
    status = page.locator("#admin-autosave-status")
    expect(status).to_contain_text("Not autosaved", timeout=10_000)
    expect(status).to_contain_text("kept", timeout=15_000)
    kept = autosave.AutosavedText.objects.get(article=article)
    assert kept.body.endswith(TYPED)
