"""Paid links marked at render time, so the register decides, not the stored text.

`mark_paid_links` takes a revision's sanitized HTML (articles/rendering.py)
and the active partners, and for every link to a partner's domain:
- sets rel="sponsored noopener" (keeping any other rel values),
- adds a visible "Paid link" label right after the link, which the link also
  names as its description for screen-reader users tabbing through links,
- and once per page puts a disclosure note, naming the partners and linking
  to the advertiser disclosure, just before the block holding the first paid
  link, so the note is read before any paid link.
HTML without partner links is returned exactly as given.
"""

from xml.etree import ElementTree

from bleach import html5lib_shim
from django.template.loader import render_to_string
from django.urls import reverse

from .domains import host_matches, link_host

LABEL_TEXT = "Paid link"
LABEL_CLASS = "paid-link-label"
DISCLOSURE_TEMPLATE = "partners/_paid_disclosure.html"
DISCLOSURE_PAGE_SLUG = "advertiser-disclosure"

# The note goes before the whole list or table holding the first paid link
# (never between list items or table rows); otherwise before the nearest
# element that sits directly in flow content, e.g. the paragraph.
_LISTS_AND_TABLES = {"ul", "ol", "table"}
_FLOW_CONTAINERS = {"DOCUMENT_FRAGMENT", "div", "blockquote", "li", "nav", "td", "th"}
_SPONSORED_REL = ["sponsored", "noopener"]


def partner_for_link(href, partners):
    """The partner whose domain the link opens (the most specific domain wins), or None."""
    host = link_host(href or "")
    if not host:
        return None
    best, best_length = None, 0
    for partner in partners:
        for domain in partner.domain_names():
            if host_matches(host, domain) and len(domain) > best_length:
                best, best_length = partner, len(domain)
    return best


def mark_paid_links(html, partners):
    """`html` with every link to an active partner marked and disclosed (see module doc)."""
    if not partners or "<a" not in html:
        return html
    root = _parse(html)
    paid = [
        (link, partner)
        for link in root.iter("a")
        if (partner := partner_for_link(link.get("href"), partners)) is not None
    ]
    if not paid:
        return html
    parents = {child: parent for parent in root.iter() for child in parent}
    labels = {
        link: _mark(link, f"paid-link-label:{number}") for number, (link, _) in enumerate(paid, 1)
    }
    for parent in {parents[link] for link in labels}:
        # Rebuilt once per parent: inserting label by label cost time quadratic in links.
        parent[:] = [
            node for child in parent for node in (child, labels.get(child)) if node is not None
        ]
    first_link = paid[0][0]
    partners_on_page = []
    for _link, partner in paid:
        if partner not in partners_on_page:
            partners_on_page.append(partner)
    _insert_before(_disclosure_note(partners_on_page), _note_position(first_link, parents), parents)
    return _serialize(root)


def _mark(link, label_id):
    """Mark `link` as paid; returns the label to place right after it."""
    rel = [value for value in link.get("rel", "").split() if value not in _SPONSORED_REL]
    link.set("rel", " ".join(_SPONSORED_REL + rel))
    link.set("aria-describedby", label_id)
    label = ElementTree.Element("span", {"class": LABEL_CLASS, "id": label_id})
    label.text = LABEL_TEXT
    label.tail, link.tail = link.tail, " "
    return label


def _note_position(link, parents):
    """The element the disclosure note is inserted before."""
    ancestors = []
    node = link
    while node in parents:
        ancestors.append(node)
        node = parents[node]
    lists_and_tables = [node for node in ancestors if node.tag in _LISTS_AND_TABLES]
    if lists_and_tables:
        return lists_and_tables[-1]
    return next(node for node in ancestors if parents[node].tag in _FLOW_CONTAINERS)


def _insert_before(element, target, parents):
    parent = parents[target]
    element.tail = "\n"
    parent.insert(list(parent).index(target), element)


def _disclosure_note(partners):
    html = render_to_string(
        DISCLOSURE_TEMPLATE,
        {"partners": partners, "disclosure_url": reverse("page", args=[DISCLOSURE_PAGE_SLUG])},
    )
    (note,) = list(_parse(html))
    return note


def _parse(html):
    # A fresh parser per call: html5lib parsers keep state while parsing.
    return html5lib_shim.HTMLParser(namespaceHTMLElements=False).parseFragment(html)


def _serialize(root):
    serializer = html5lib_shim.HTMLSerializer(
        quote_attr_values="always", omit_optional_tags=False, alphabetical_attributes=False
    )
    return serializer.render(html5lib_shim.getTreeWalker("etree")(root))
