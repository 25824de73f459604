"""Editors keep the affiliate partner register in the admin; it refuses entries that would mislabel links."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partners.models import AffiliatePartner
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timezone.timedelta(days=1)


def unsaved_partner(**fields):
    values = {
        "name": "Clinic Finder",
        "slug": "clinic-finder",
        "domains": "partner.example",
        "disclosure": "We earn a commission if you book through Clinic Finder.",
        "active_from": timezone.localdate(),
        **fields,
    }
    return AffiliatePartner(**values)


def test_domains_are_normalized_one_per_line():
    partner = unsaved_partner(domains="WWW.Partner.Example, shop.other.example\n\npartner.example")
    partner.full_clean()
    assert partner.domains == "partner.example\nshop.other.example"


@pytest.mark.parametrize(
    "domains",
    [
        "https://partner.example",
        "partner.example/shop",
        "partner",
        "evil_partner.example",
        "-partner.example",
        "partner..example",
        "192.168.0.1",
        "   ",
    ],
)
def test_anything_but_domain_names_is_refused(domains):
    with pytest.raises(ValidationError) as error:
        unsaved_partner(domains=domains).full_clean()
    assert "domains" in error.value.message_dict


def test_last_day_cannot_come_before_the_first_day():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        unsaved_partner(active_from=today, active_until=today - DAY).full_clean()
    assert "active_until" in error.value.message_dict
    unsaved_partner(active_from=today, active_until=today).full_clean()


def test_a_domain_belongs_to_one_partner_at_a_time():
    factories.affiliate_partner(name="Old deal", started_days_ago=100, ends_in_days=-10)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        unsaved_partner(active_from=today - 20 * DAY).full_clean()
    assert "Old deal" in str(error.value)
    unsaved_partner(active_from=today - 9 * DAY).full_clean()


def test_editor_adds_a_partner_in_the_admin_and_its_links_are_marked_at_once(client, editor):
    article = factories.published_article(
        body="## Booking\n\n[Book here](https://book.partner.example/).\n"
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:partners_affiliatepartner_add"),
        {
            "name": "Clinic Finder",
            "slug": "clinic-finder",
            "domains": "www.partner.example",
            "disclosure": "We earn a commission if you book through Clinic Finder.",
            "active_from": timezone.localdate().isoformat(),
            "active_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert AffiliatePartner.objects.get().domains == "partner.example"
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'rel="sponsored noopener"' in html and 'class="paid-link-label"' in html


def test_admin_shows_each_partners_state_and_filters_by_it(client, editor):
    factories.affiliate_partner(name="Running", domains="running.example")
    factories.affiliate_partner(
        name="Finished", domains="finished.example", started_days_ago=90, ends_in_days=-1
    )
    factories.affiliate_partner(name="Starting", domains="starting.example", started_days_ago=-3)
    client.force_login(editor)
    changelist = reverse("admin:partners_affiliatepartner_changelist")
    html = client.get(changelist).content.decode()
    for name, state in [("Running", "Active"), ("Finished", "Past"), ("Starting", "Upcoming")]:
        row = html[html.index(f">{name}<") :]
        assert f'<td class="field-state">{state}</td>' in row[: row.index("</tr>")]
    past = client.get(changelist, {"state": "past"}).content.decode()
    assert "Finished" in past and "Running" not in past and "Starting" not in past
    assert "Running" in client.get(changelist, {"q": "running.example"}).content.decode()


def test_editors_end_partnerships_but_cannot_erase_them(editor, writer, medical_reviewer):
    assert editor.has_perm("partners.change_affiliatepartner")
    assert editor.has_perm("partners.add_affiliatepartner")
    assert not editor.has_perm("partners.delete_affiliatepartner")
    for user in (writer, medical_reviewer):
        assert not user.has_perm("partners.view_affiliatepartner")


def test_writers_cannot_open_the_partner_register(client, writer):
    client.force_login(writer)
    response = client.get(reverse("admin:partners_affiliatepartner_changelist"))
    assert response.status_code == 403
