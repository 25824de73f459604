"""Paid links are marked and disclosed where readers meet them, as the partner register says today."""

import re

import pytest
from bleach import html5lib_shim
from django.utils import timezone

from articles.models import Kind, Revision
from articles.rendering import render_markdown
from partners import registry
from partners.domains import link_host
from partners.marking import mark_paid_links
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timezone.timedelta(days=1)


def marked(markdown, *partners):
    return mark_paid_links(render_markdown(markdown).html, list(partners))


def tree(html):
    return html5lib_shim.HTMLParser(namespaceHTMLElements=False).parseFragment(html)


def paid_links(html):
    return [a for a in tree(html).iter("a") if "sponsored" in a.get("rel", "").split()]


def notes(html):
    return [el for el in tree(html).iter() if el.get("class") == "paid-disclosure"]


def next_element_after(html, element_class):
    """The element that directly follows the disclosure note in its parent."""
    root = tree(html)
    for parent in root.iter():
        children = list(parent)
        for index, child in enumerate(children):
            if child.get("class") == element_class:
                return parent, children[index + 1]
    raise AssertionError(f"no .{element_class} in {html}")


def assert_labelled(html):
    """Every paid link is followed by a visible label that it names as its description."""
    root = tree(html)
    for parent in root.iter():
        children = list(parent)
        for index, child in enumerate(children):
            if child.tag == "a" and "sponsored" in child.get("rel", "").split():
                label = children[index + 1]
                assert label.tag == "span" and label.get("class") == "paid-link-label", html
                assert label.text == "Paid link"
                assert child.get("aria-describedby") == label.get("id")


def assert_note_comes_first(html):
    """Exactly one note, and it comes before the first paid link in reading order."""
    order = list(tree(html).iter())
    (note,) = [el for el in order if el.get("class") == "paid-disclosure"]
    first_paid = next(a for a in order if "sponsored" in a.get("rel", "").split())
    assert order.index(note) < order.index(first_paid)


@pytest.fixture
def partner():
    return factories.affiliate_partner()


# Marking


def test_link_to_an_active_partner_is_sponsored_labelled_and_disclosed_first(partner):
    html = marked(
        "Some context first.\n\nBook a [consultation](https://partner.example/book) today.",
        partner,
    )
    (link,) = paid_links(html)
    assert link.get("rel") == "sponsored noopener"
    assert_labelled(html)
    assert_note_comes_first(html)
    assert html.index("Some context first.") < html.index('class="paid-disclosure"')
    _parent, following = next_element_after(html, "paid-disclosure")
    assert following.tag == "p" and "consultation" in "".join(following.itertext())
    (note,) = notes(html)
    text = "".join(note.itertext())
    assert "Clinic Finder" in text
    assert "We earn a commission if you book through Clinic Finder." in text
    assert note.find(".//a").get("href") == "/advertiser-disclosure/"


def test_existing_rel_values_are_kept_when_a_link_becomes_sponsored(partner):
    html = mark_paid_links(
        '<p><a href="https://partner.example/" rel="nofollow noopener">x</a></p>', [partner]
    )
    assert paid_links(html)[0].get("rel") == "sponsored noopener nofollow"


@pytest.mark.parametrize(
    "href",
    [
        "https://partner.example/",
        "http://partner.example",
        "https://www.partner.example/offers?ref=meso",
        "https://shop.eu.partner.example/",
        "https://PARTNER.Example/",
        "https://partner.example./",
        "https://partner.example:8443/",
        "https://user@partner.example/",
        "https://partner%2Eexample/",
        "/\\partner.example/",  # browsers read this as //partner.example/
    ],
)
def test_links_to_the_partner_domain_and_its_subdomains_are_paid(partner, href):
    html = mark_paid_links(f'<p><a href="{href}" rel="noopener">x</a></p>', [partner])
    assert len(paid_links(html)) == 1, href
    assert len(notes(html)) == 1


@pytest.mark.parametrize(
    "href",
    [
        "https://evil-partner.example/",
        "https://partner.example.evil.test/",
        "https://notpartner.example/",
        "https://partner.exampl/",
        "https://evil.test/?next=partner.example",
        "https://evil.test/partner.example",
        "https://partner.example@evil.test/",
        "mailto:sales@partner.example",
        "/partner.example/",
        "#partner.example",
    ],
)
def test_look_alike_and_other_links_are_not_paid(partner, href):
    original = f'<p><a href="{href}">x</a></p>'
    assert mark_paid_links(original, [partner]) == original


def test_hosts_are_read_the_way_a_browser_reads_them():
    assert link_host("https://evil.test\\@partner.example/") == "evil.test"
    assert link_host("https:///partner.example/") == "partner.example"
    assert link_host("  https://part\tner.example/") == "partner.example"
    assert link_host("https://ＰＡＲＴＮＥＲ.example/") == "partner.example"
    assert link_host("/about/") == ""


def test_only_partners_active_today_are_marked():
    upcoming = factories.affiliate_partner(name="Soon", domains="soon.example", started_days_ago=-1)
    ended = factories.affiliate_partner(
        name="Gone", domains="gone.example", started_days_ago=60, ends_in_days=-1
    )
    last_day = factories.affiliate_partner(
        name="Last day", domains="lastday.example", started_days_ago=60, ends_in_days=0
    )
    html = mark_paid_links(
        '<p><a href="https://soon.example/">a</a> <a href="https://gone.example/">b</a> '
        '<a href="https://lastday.example/">c</a></p>',
        registry.active_partners(),
    )
    assert [a.get("href") for a in paid_links(html)] == ["https://lastday.example/"]
    assert {upcoming, ended, last_day} == set(registry.all_partners())


@pytest.mark.parametrize(
    ("markdown", "container"),
    [
        ("Intro.\n\n- one\n- two with [a link](https://partner.example/)\n", "ul"),
        ("Intro.\n\n1. one\n\n    - nested [link](https://partner.example/)\n", "ol"),
        ("Intro.\n\n| a | b |\n|---|---|\n| x | [link](https://partner.example/) |\n", "table"),
    ],
)
def test_note_goes_before_the_whole_list_or_table_holding_the_first_paid_link(
    partner, markdown, container
):
    html = marked(markdown, partner)
    assert_labelled(html)
    assert_note_comes_first(html)
    parent, following = next_element_after(html, "paid-disclosure")
    assert following.tag == container
    assert parent.tag == "DOCUMENT_FRAGMENT"


def test_paid_link_in_a_footnote_is_marked_with_the_note_before_the_footnotes(partner):
    html = marked(
        "Prices vary by clinic.[^p]\n\n[^p]: Price list: <https://partner.example/prices>\n",
        partner,
    )
    assert len(paid_links(html)) == 1
    assert_labelled(html)
    assert_note_comes_first(html)
    parent, following = next_element_after(html, "paid-disclosure")
    assert parent.get("class") == "footnote" and following.tag == "ol"


def test_several_partners_share_one_note_that_names_each_of_them():
    clinics = factories.affiliate_partner(name="Clinic Finder", domains="partner.example")
    shop = factories.affiliate_partner(
        name="Skin Shop",
        domains="shop.partner.example",
        disclosure="We earn a commission on sales at Skin Shop.",
    )
    html = marked(
        "No link here.\n\n"
        "See [clinics](https://partner.example/) and [products](https://shop.partner.example/).\n\n"
        "Again: [clinics](https://www.partner.example/).\n",
        clinics,
        shop,
    )
    assert len(paid_links(html)) == 3
    assert_labelled(html)
    assert_note_comes_first(html)
    (note,) = notes(html)
    text = "".join(note.itertext())
    assert "Clinic Finder" in text and "Skin Shop" in text
    assert "We earn a commission if you book through Clinic Finder." in text
    assert "We earn a commission on sales at Skin Shop." in text
    assert text.index("Clinic Finder") < text.index("Skin Shop"), "in order of appearance"
    label_ids = [a.get("aria-describedby") for a in paid_links(html)]
    assert len(set(label_ids)) == 3, "each label has its own id"


def test_html_without_partner_links_is_returned_unchanged(partner):
    html = render_markdown(factories.BODY + "\nSee [our policy](/editorial-policy/).\n").html
    assert mark_paid_links(html, [partner]) == html
    assert mark_paid_links(html, []) == html


def test_partner_names_and_sentences_are_escaped_in_the_note():
    partner = factories.affiliate_partner(
        name="<b>Bold & Co</b>", disclosure="We earn <i>money</i>."
    )
    html = mark_paid_links('<p><a href="https://partner.example/">x</a></p>', [partner])
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in html


# On the site


def article_linking_to(url, **fields):
    body = f"## Booking\n\nYou can [book a consultation]({url}).\n"
    return factories.published_article(body=body, **fields)


def page_html(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_article_and_site_page_show_marked_paid_links(client, partner):
    for article in (
        article_linking_to("https://partner.example/"),
        article_linking_to("https://partner.example/", kind=Kind.PAGE, slug="about"),
    ):
        html = page_html(client, article)
        assert 'rel="sponsored noopener"' in html
        assert html.count('class="paid-disclosure"') == 1
        assert html.index('class="paid-disclosure"') < html.index('rel="sponsored noopener"')
        assert html.index('rel="sponsored noopener"') < html.index('class="paid-link-label"')


def test_register_changes_show_on_the_next_request_without_editing_the_article(client):
    article = article_linking_to("https://partner.example/book")
    revisions = Revision.objects.count()
    assert 'class="paid-link-label"' not in page_html(client, article)

    partner = factories.affiliate_partner()
    html = page_html(client, article)
    assert 'class="paid-link-label"' in html and "Clinic Finder" in html

    partner.name = "Clinic Finder Ltd"
    partner.save()
    assert "Clinic Finder Ltd" in page_html(client, article)

    partner.active_until = timezone.localdate() - DAY
    partner.save()
    html = page_html(client, article)
    assert 'class="paid-link-label"' not in html and 'rel="sponsored' not in html

    partner.active_until = None
    partner.domains = "other.example"
    partner.save()
    assert 'class="paid-link-label"' not in page_html(client, article)

    partner.domains = "partner.example"
    partner.save()
    assert 'class="paid-link-label"' in page_html(client, article)
    partner.delete()
    assert 'class="paid-link-label"' not in page_html(client, article)

    assert Revision.objects.count() == revisions
    assert "sponsored" not in article.live_revision.body_html, "marking is never stored"


def test_a_partnership_starts_on_its_first_day_without_any_save(client, monkeypatch):
    article = article_linking_to("https://partner.example/")
    factories.affiliate_partner(started_days_ago=-1)
    assert 'class="paid-link-label"' not in page_html(client, article)
    tomorrow = timezone.localdate() + DAY
    monkeypatch.setattr(registry.timezone, "localdate", lambda: tomorrow)
    assert 'class="paid-link-label"' in page_html(client, article)


def test_register_is_read_from_the_database_once_until_it_changes(
    client, django_assert_num_queries
):
    article = article_linking_to("https://partner.example/")
    partner = factories.affiliate_partner()
    page_html(client, article)  # loads the register into the cache
    with django_assert_num_queries(0):
        assert len(registry.active_partners()) == 1
    partner.save()
    with django_assert_num_queries(1):
        registry.active_partners()


def test_saving_or_deleting_a_partner_announces_the_change_after_commit(
    django_capture_on_commit_callbacks,
):
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    registry.registry_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            partner = factories.affiliate_partner()
        with django_capture_on_commit_callbacks(execute=True):
            partner.delete()
    finally:
        registry.registry_changed.disconnect(receiver)
    assert len(heard) == 2


# The disclosure page


@pytest.fixture
def disclosure_page():
    return factories.published_article(
        slug="advertiser-disclosure",
        title="Advertiser disclosure",
        kind=Kind.PAGE,
        body="## Our affiliate partners\n\nThe list below comes from our partner register.\n",
    )


def test_disclosure_page_lists_current_and_past_partners_from_the_register(client, disclosure_page):
    today = timezone.localdate()
    factories.affiliate_partner(
        name="Clinic Finder", domains="partner.example\nbook.other.example", started_days_ago=10
    )
    factories.affiliate_partner(
        name="Old Shop",
        domains="oldshop.example",
        disclosure="We earned a commission on sales.",
        started_days_ago=400,
        ends_in_days=-30,
    )
    factories.affiliate_partner(name="Not Yet", domains="notyet.example", started_days_ago=-5)
    html = page_html(client, disclosure_page)
    current = html[html.index("Current partners") : html.index("Past partners")]
    past = html[html.index("Past partners") :]
    assert "Clinic Finder" in current and "partner.example, book.other.example" in current
    assert "We earn a commission if you book through Clinic Finder." in current
    assert f'datetime="{(today - 10 * DAY).isoformat()}"' in current
    assert "Old Shop" in past and "Old Shop" not in current
    assert f'datetime="{(today - 400 * DAY).isoformat()}"' in past
    assert f'datetime="{(today - 30 * DAY).isoformat()}"' in past
    assert "Not Yet" not in html, "upcoming partners are not listed before they start"


def test_disclosure_page_says_plainly_when_there_are_no_partners(client, disclosure_page):
    html = page_html(client, disclosure_page)
    assert "We have no affiliate partners at the moment" in html
    assert "We have had no affiliate partners before" in html


def test_partner_list_follows_the_register_on_the_next_request(client, disclosure_page):
    assert "Clinic Finder" not in page_html(client, disclosure_page)
    partner = factories.affiliate_partner()
    assert "Clinic Finder" in page_html(client, disclosure_page)
    partner.active_until = timezone.localdate() - DAY
    partner.save()
    html = page_html(client, disclosure_page)
    assert html.index("Clinic Finder") > html.index("Past partners")


def test_partner_list_appears_only_on_the_disclosure_page(client, partner):
    page = factories.published_article(slug="about", title="About us", kind=Kind.PAGE)
    html = page_html(client, page)
    assert "Current partners" not in html and "Clinic Finder" not in html


def test_every_one_of_thousands_of_paid_links_gets_its_own_label_right_after_it(partner):
    # Labels used to be inserted one by one (time quadratic in the links: 3.5 s for 20,000).
    text = "[a]: https://partner.example/x\n\n" + " ".join(f"[a] word{n}" for n in range(3000))
    html = marked(text, partner)
    pieces = re.findall(
        r'<a [^>]*aria-describedby="paid-link-label:(\d+)"[^>]*>a</a> <span [^>]*'
        r'id="paid-link-label:(\d+)"[^>]*>[^<]*</span> word(\d+)',
        html,
    )
    assert len(pieces) == 3000
    assert all(a == b == str(int(n) + 1) for a, b, n in pieces)
