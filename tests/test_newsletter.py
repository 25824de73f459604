"""Newsletter double opt-in: only confirmed addresses get mail; every mail unsubscribes in one click."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from newsletter import subscriptions, tokens
from newsletter.models import Subscriber, SubscriberState

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("newsletter:subscribe")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://mesoguide.example"


def sign_up(client, email="reader@example.com", **extra):
    return client.post(SUBSCRIBE, {"email": email, "website": ""}, **extra)


def link_in(message, name):
    match = re.search(rf"https://mesoguide\.example(/newsletter/{name}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def confirmed(email="reader@example.com"):
    subscriber = Subscriber.objects.create(
        email=email, state=SubscriberState.CONFIRMED, confirmed_at="2026-01-01T00:00Z"
    )
    return subscriber


def test_footer_and_article_end_carry_the_signup_form_without_a_token(client, guide):
    html = client.get(guide.get_absolute_url()).content.decode()
    assert html.count(f'action="{SUBSCRIBE}"') == 2
    assert '<label for="newsletter-footer-email">' in html
    assert '<label for="newsletter-article-email">' in html
    home = client.get("/").content.decode()
    assert home.count(f'action="{SUBSCRIBE}"') == 1
    assert "csrfmiddlewaretoken" not in html + home


def test_signup_page_has_the_form_and_is_never_shared(client):
    response = client.get(SUBSCRIBE)
    html = response.content.decode()
    assert f'action="{SUBSCRIBE}"' in html and 'name="csrfmiddlewaretoken"' in html
    assert '<label for="newsletter-page-email">' in html
    assert html.count(f'action="{SUBSCRIBE}"') == 1, "no second sign-up form in the footer"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_signup_sends_a_confirmation_link_and_subscribes_nobody_yet(client):
    response = sign_up(client, "Reader@Example.com ")
    assert response.status_code == 302
    assert "check your inbox" in client.get(response["Location"]).content.decode().lower()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.com"
    assert subscriber.state == SubscriberState.PENDING
    assert [m.to for m in mail.outbox] == [["reader@example.com"]]
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_the_confirmation_link_confirms_and_a_second_click_says_so(client):
    sign_up(client)
    confirm = link_in(mail.outbox[0], "confirm")
    first = client.get(confirm)
    assert first.status_code == 200 and "You are subscribed" in first.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.CONFIRMED and subscriber.confirmed_at
    again = client.get(confirm)
    assert "already subscribed" in again.content.decode()
    assert Subscriber.objects.get().confirmed_at == subscriber.confirmed_at


def test_an_expired_confirmation_link_gets_a_friendly_page(client, monkeypatch):
    sign_up(client)
    confirm = link_in(mail.outbox[0], "confirm")
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    response = client.get(confirm)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert f'action="{SUBSCRIBE}"' in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def test_tampered_links_get_a_friendly_page_and_change_nothing(client):
    sign_up(client)
    subscriber = Subscriber.objects.get()
    confirm = link_in(mail.outbox[0], "confirm")
    forged = signing.dumps([subscriber.pk, subscriber.email], salt="another purpose")
    for url in (
        confirm[:-6] + "xxxxx/",
        reverse("newsletter:confirm", args=[forged]),
        reverse("newsletter:unsubscribe", args=["nonsense"]),
        # An unsubscribe token is not a confirmation token, and the other way round.
        reverse("newsletter:confirm", args=[tokens.unsubscribe_token(subscriber)]),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def test_unconfirmed_and_unsubscribed_addresses_never_get_the_newsletter(tmp_path):
    Subscriber.objects.create(email="pending@example.com")
    Subscriber.objects.create(email="gone@example.com", state=SubscriberState.UNSUBSCRIBED)
    confirmed("yes@example.com")
    issue = tmp_path / "issue.md"
    issue.write_text(
        "## News\n\nA new article on [sessions](https://mesoguide.example/guide/sessions/)."
    )
    out = io.StringIO()
    call_command("send_newsletter", str(issue), subject="March news", stdout=out)
    assert [m.to for m in mail.outbox] == [["yes@example.com"]]
    assert "Sent “March news” to 1 confirmed subscriber(s)." in out.getvalue()
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<h2" in html and "Unsubscribe with one click" in html


def test_every_mail_carries_a_one_click_unsubscribe_link_and_headers(client, tmp_path):
    sign_up(client, "new@example.com")
    confirmed("old@example.com")
    sign_up(client, "old@example.com")  # already subscribed: told so by mail
    issue = tmp_path / "issue.md"
    issue.write_text("Hello.")
    call_command("send_newsletter", str(issue), subject="News", stdout=io.StringIO())
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        url = link_in(message, "unsubscribe")
        assert message.extra_headers["List-Unsubscribe"] == f"<https://mesoguide.example{url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_works_on_get_and_is_idempotent(client):
    subscriber = confirmed()
    url = reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscriber)])
    response = client.get(url)
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED and subscriber.unsubscribed_at
    again = client.get(url)
    assert "already unsubscribed" in again.content.decode()


def test_mail_programs_can_unsubscribe_with_a_post_without_csrf_token():
    subscriber = confirmed()
    url = reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscriber)])
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_the_unsubscribe_page_offers_to_subscribe_again(client):
    subscriber = confirmed()
    token = tokens.unsubscribe_token(subscriber)
    html = client.get(reverse("newsletter:unsubscribe", args=[token])).content.decode()
    resubscribe = reverse("newsletter:resubscribe", args=[token])
    assert f'action="{resubscribe}"' in html
    response = client.post(resubscribe)
    assert "subscribed again" in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED


def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(client):
    Subscriber.objects.create(email="back@example.com", state=SubscriberState.UNSUBSCRIBED)
    sign_up(client, "back@example.com")
    assert Subscriber.objects.get().state == SubscriberState.PENDING
    client.get(link_in(mail.outbox[0], "confirm"))
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED


def test_an_old_confirmation_link_does_not_undo_a_later_unsubscribe(client):
    sign_up(client)
    confirm, unsubscribe = (
        link_in(mail.outbox[0], "confirm"),
        link_in(mail.outbox[0], "unsubscribe"),
    )
    client.get(unsubscribe)
    response = client.get(confirm)
    assert "has since unsubscribed" in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_signing_up_when_already_subscribed_gives_the_same_friendly_answer(client):
    confirmed()
    response = sign_up(client)
    assert response["Location"] == reverse("newsletter:check_inbox")
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED
    assert "already subscribed" in mail.outbox[0].body


def test_invalid_signup_rerenders_with_the_typed_address(client):
    response = sign_up(client, "reader@")
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#newsletter-page-email"' in html
    assert 'value="reader@"' in html
    assert not Subscriber.objects.exists() and not mail.outbox


def test_honeypot_signups_are_dropped_quietly(client):
    response = client.post(SUBSCRIBE, {"email": "bot@example.com", "website": "x"})
    assert response.status_code == 302
    assert not Subscriber.objects.exists() and not mail.outbox


def test_signups_are_rate_limited_per_client_and_mails_per_address(client):
    for n in range(subscriptions.SIGNUP_RATE_LIMIT.limit):
        assert sign_up(client, f"r{n}@example.com").status_code == 302
    blocked = sign_up(client, "late@example.com")
    assert blocked.status_code == 429 and 'value="late@example.com"' in blocked.content.decode()
    # Many clients asking for one address cannot flood its inbox.
    for n in range(6):
        sign_up(client, "victim@example.com", REMOTE_ADDR=f"10.0.0.{n}")
    to_victim = [m for m in mail.outbox if m.to == ["victim@example.com"]]
    assert len(to_victim) == subscriptions.MAILS_PER_ADDRESS.limit


def test_one_mailbox_gets_no_more_mails_however_its_address_is_spelt(client):
    spellings = [
        "victim@example.com",
        "Victim@Example.COM",
        '"victim"@example.com',
        *(f"victim+{n}@example.com" for n in range(6)),
        "VICTIM+x@EXAMPLE.COM ",
        '"victim+y"@example.com',
        "victim@EXAMPLE.com",
    ]
    for n, address in enumerate(spellings):
        sign_up(client, address, REMOTE_ADDR=f"10.0.1.{n}")
    reached = [m for m in mail.outbox if m.to[0].split("+")[0].split("@")[0] == "victim"]
    assert len(reached) == subscriptions.MAILS_PER_ADDRESS.limit, [m.to for m in reached]
    assert Subscriber.objects.filter(email="victim@example.com").count() == 1


def test_gmail_addresses_with_dots_are_one_mailbox(client):
    for n, address in enumerate(
        [
            "v.i.c.t.i.m@gmail.com",
            "victim@googlemail.com",
            "vic.tim+a@gmail.com",
            "victim@gmail.com",
        ]
    ):
        sign_up(client, address, REMOTE_ADDR=f"10.0.2.{n}")
    assert len(mail.outbox) == subscriptions.MAILS_PER_ADDRESS.limit


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("victim@[127.0.0.1]", "not an IP address"),
        ("victim@[IPv6:::1]", "like name@example.com"),
        ('"vic..tim"@example.com', "without quotation marks"),
    ],
)
def test_addresses_we_would_not_mail_are_refused_with_the_reason(client, address, reason):
    response = sign_up(client, address)
    assert response.status_code == 400 and reason in response.content.decode()
    assert not Subscriber.objects.exists() and not mail.outbox


def test_signup_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(SUBSCRIBE, {"email": "reader@example.com"}).status_code == 403


def test_admin_lists_subscribers_with_dates_and_exports_csv(client):
    confirmed("a@example.com")
    Subscriber.objects.create(email="=cmd@example.com")
    admin_user = get_user_model().objects.create_superuser("boss", password="pw")
    client.force_login(admin_user)
    changelist = reverse("admin:newsletter_subscriber_changelist")
    html = client.get(changelist).content.decode()
    assert "a@example.com" in html and "Subscribed" in html and "Waiting for confirmation" in html
    response = client.post(
        changelist,
        {
            "action": "export_csv",
            "_selected_action": list(Subscriber.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_email = {row["email"]: row for row in rows}
    assert by_email["a@example.com"]["state"] == "confirmed"
    assert by_email["a@example.com"]["confirmed_at"].startswith("2026-01-01")
    assert "'=cmd@example.com" in by_email  # no spreadsheet formula injection


def test_send_newsletter_refuses_without_site_url(settings, tmp_path):
    from django.core.management.base import CommandError

    settings.SITE_URL = ""
    issue = tmp_path / "issue.md"
    issue.write_text("Hello.")
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("send_newsletter", str(issue), subject="News")
