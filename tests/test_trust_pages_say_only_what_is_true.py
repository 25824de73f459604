"""The advertiser disclosure, privacy page and editorial policy claim only what is
true of the site, and the figures they give follow the code that enforces them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.readability import split_front_matter
from discussion.forms import COMMENT_RATE_LIMIT
from discussion.models import Comment
from newsletter import tokens
from newsletter.subscriptions import MAILS_PER_ADDRESS, SIGNUP_RATE_LIMIT
from tests import factories

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


def test_privacy_page_sends_no_private_request_through_the_public_comment_form():
    # Moderators can approve comments in bulk, which publishes them.
    text = page("privacy")
    assert "Private request" not in text
    assert "please do not use the comment form for a request about your data" in text.lower()
    assert 'under "Who runs this site" at the top of this page' in text


def test_privacy_page_lists_everything_a_newsletter_sign_up_stores():
    from newsletter.models import Subscriber

    stored = {f.name for f in Subscriber._meta.get_fields() if getattr(f, "concrete", False)}
    assert stored == {
        "id",
        "email",
        "state",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    }, "update the privacy page"
    text = page("privacy")
    for words in (
        "Your email address.",
        "The time you signed up.",
        "The time we last sent you a confirmation email.",
        "The time you confirmed",
        "The time you unsubscribed",
    ):
        assert words in text, words


def _source(package):
    root = Path(settings.BASE_DIR) / package
    return "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))


def test_privacy_page_says_sign_ups_and_comments_are_kept_until_deleted_as_the_code_does():
    # Nothing in the newsletter or comments code deletes rows by itself. If a
    # clean-up is added, the privacy page must give its period instead.
    assert ".delete(" not in _source("newsletter")
    assert ".delete(" not in _source("discussion")
    text = page("privacy")
    assert "The site does not delete sign-ups or unsubscribed addresses by itself" in text
    assert "is a gap in how the site works today" in text
    assert "comments an editor rejects: they are kept, marked as rejected" in text
    assert "The site does not delete any comment by itself" in text
    assert "legitimate interest in honouring your choice" in text


def test_privacy_page_describes_the_access_log_line_exactly():
    import runpy

    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    # address, "method path-without-query", status, bytes, milliseconds: no time, no browser.
    assert conf["access_log_format"] == '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms', (
        "the log line changed: update 'Server logs' on the privacy page"
    )
    text = page("privacy")
    assert 'without anything after a "?"' in text
    assert "The line has no date or time of its own, and no details of your browser." in text
    assert "the address in the line is the proxy's, not yours" in text


def test_privacy_page_calls_the_rate_limit_code_what_it_is():
    import hashlib

    from articles.search import SEARCH_RATE_LIMIT
    from mesoguide.ratelimit import RateLimit

    key = RateLimit("x", 1, 60)._key("192.0.2.1")
    assert hashlib.sha256(b"192.0.2.1").hexdigest()[:32] in key, (
        "unsalted SHA-256, as the page says"
    )
    assert SEARCH_RATE_LIMIT.per_seconds == 60
    text = page("privacy")
    assert "one-way function (SHA-256)" in text and "This code is not anonymous" in text
    assert "scrambled" not in text and "anonymi" not in text.replace("not anonymous", "")
    assert "a minute for searches" in text


def test_privacy_page_login_records_follow_the_axes_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 1  # hours
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "username"]
    assert settings.AXES_RESET_ON_SUCCESS is True
    # No expiry job and no failure log kept for ever: records go as the page says.
    assert not getattr(settings, "AXES_USE_ATTEMPT_EXPIRATION", False)
    assert not getattr(settings, "AXES_ENABLE_ACCESS_FAILURE_LOG", False)
    assert not getattr(settings, "AXES_DISABLE_ACCESS_LOG", False), "the page says logins are kept"
    text = page("privacy")
    assert "the user name that was typed" in text and "browser identifier (user agent)" in text
    assert "After 5 failures for one user name, from one address or from several" in text
    assert "that user name is locked out for an hour" in text
    assert "gets an email saying so" in text  # mesoguide/login_lockout.py
    assert "once an hour has passed since that record's last failure" in text
    assert "These login records stay in our database until they are deleted" in text


@pytest.mark.django_db
def test_comment_and_newsletter_forms_link_to_the_privacy_page(client):
    article = factories.published_article(slug="privacy-link")
    link = 'How we use this: <a href="/privacy/">privacy</a>'
    assert link in client.get(f"/guide/{article.slug}/comments/").content.decode()
    assert link in client.get("/newsletter/").content.decode()
    article_html = client.get(f"/guide/{article.slug}/").content.decode()
    assert article_html.count(link) >= 2, "under the article: comment form and sign-up"


def privacy_page(client):
    from articles.models import Kind

    factories.approve_and_publish(
        factories.draft_article(slug="privacy", title="Privacy", kind=Kind.PAGE, body="Text.")
    )
    return client.get("/privacy/").content.decode()


@pytest.mark.django_db
def test_privacy_page_names_who_runs_the_site_and_where_to_write(client, settings):
    settings.PUBLISHER_NAME = "Example Publishing Ltd"
    settings.PUBLISHER_ADDRESS = "1 Example Street, Exampleton\nEX1 1EX"
    settings.PRIVACY_EMAIL = "privacy@example.org"
    html = privacy_page(client)
    assert "Example Publishing Ltd publishes this site and is the data controller" in html
    assert "<address>1 Example Street<br>Exampleton<br>EX1 1EX</address>" in html
    assert '<a href="mailto:privacy@example.org">privacy@example.org</a>' in html
    assert "without a named publisher" not in html


@pytest.mark.django_db
def test_a_development_copy_says_it_has_no_publisher(client, settings):
    settings.PUBLISHER_NAME = settings.PUBLISHER_ADDRESS = settings.PRIVACY_EMAIL = ""
    html = privacy_page(client)
    assert "runs without a named publisher" in html
    assert "mailto:" not in html.split('class="publisher"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db
def test_the_publisher_is_shown_on_the_privacy_page_only(client, settings):
    from articles.models import Kind

    settings.PUBLISHER_NAME = "Example Publishing Ltd"
    factories.approve_and_publish(
        factories.draft_article(slug="about", title="About", kind=Kind.PAGE, body="Text.")
    )
    assert 'class="publisher"' not in client.get("/about/").content.decode()
