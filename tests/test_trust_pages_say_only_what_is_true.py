"""The advertiser disclosure, privacy page and editorial policy claim only what is
true of the site, and the figures they give follow the code that enforces them."""

import re
from pathlib import Path

from django.conf import settings

from articles.readability import split_front_matter
from discussion.forms import COMMENT_RATE_LIMIT
from discussion.models import Comment
from newsletter import tokens
from newsletter.subscriptions import MAILS_PER_ADDRESS, SIGNUP_RATE_LIMIT

PAGES = Path(settings.CONTENT_DIR) / "pages"


def page(slug):
    front, body = split_front_matter((PAGES / f"{slug}.md").read_text(encoding="utf-8"))
    return front + "\n" + body


def test_disclosure_names_one_source_of_income_and_no_adverts():
    text = page("advertiser-disclosure")
    assert "affiliate links" in text
    assert not re.search(
        r"labell?ed ads|adverti[sz]ements? (?:are|is) labell?ed", text, re.IGNORECASE
    )
    assert "We do not show adverts" in text


def test_disclosure_does_not_invite_bookings_it_says_it_takes_no_money_for():
    text = page("advertiser-disclosure")
    assert not re.search(r"\bbook(?:ing)? (?:something|a treatment) through", text)
    assert "we do not take clinics on as affiliate partners" in text


def test_privacy_page_names_controller_lawful_basis_retention_processors_and_complaint():
    text = page("privacy")
    assert "data controller" in text
    assert "consent" in text and "legitimate interest" in text
    assert text.count("How long we keep it") >= 2
    assert "content delivery network (CDN)" in text
    assert "email delivery service" in text
    assert "Information Commissioner's Office" in text
    assert "no other company learns" not in text


def test_privacy_page_periods_follow_the_code():
    text = page("privacy")
    assert f"confirmation link works for {tokens.CONFIRM_MAX_AGE.days} days" in text
    assert COMMENT_RATE_LIMIT.per_seconds == settings.PUBLIC_POST_WINDOW == 600
    assert "10 minutes for comments and most forms" in text
    assert SIGNUP_RATE_LIMIT.per_seconds == 3600 and "an hour for newsletter sign-ups" in text
    assert MAILS_PER_ADDRESS.per_seconds == 86400 and "a day for the count of emails" in text


def test_privacy_page_lists_everything_a_comment_stores_about_its_writer():
    stored = {f.name for f in Comment._meta.get_fields() if getattr(f, "concrete", False)}
    about_the_writer = stored - {
        "id",
        "article",
        "body_html",
        "status",
        "moderated_at",
        "moderated_by",
    }
    assert about_the_writer == {"name", "email", "body", "created_at"}, "update the privacy page"


def test_editorial_policy_says_how_much_of_a_source_was_read():
    text = page("editorial-policy")
    assert "a source we have read" not in text
    assert "abstract" in text


def test_partner_register_help_and_editors_guide_follow_the_no_clinics_rule():
    from partners.models import AffiliatePartner

    help_text = str(AffiliatePartner._meta.get_field("disclosure").help_text)
    assert not re.search(r"\bbook(?:s|ing)? through\b", help_text)
    assert "Never a clinic" in help_text
    guide = (Path(settings.BASE_DIR) / "docs" / "editors.md").read_text(encoding="utf-8")
    partners = " ".join(guide.split("\n## Partners\n", 1)[1].split("\n## ", 1)[0].split())
    assert "never register a clinic" in partners
    assert "no paid link earns us money when someone books a treatment" in partners
