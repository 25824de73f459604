"""Template side of the partner register: marking paid links and listing partners."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .. import registry
from ..marking import mark_paid_links
from ..models import PartnerState

register = template.Library()


@register.filter(name="mark_paid_links", needs_autoescape=True)
def mark_paid_links_filter(html, autoescape=True):
    """Mark today's partner links in HTML the template has already declared safe.

    Use after |safe on sanitized HTML: `{{ revision.body_html|safe|mark_paid_links }}`.
    Text not marked safe is escaped first, so the filter never vouches for HTML itself.
    """
    if autoescape:
        html = conditional_escape(html)
    return mark_safe(mark_paid_links(str(html), registry.active_partners()))  # noqa: S308 (parsed and re-serialized)


@register.inclusion_tag("partners/_partner_register.html")
def partner_register():
    """Current and past partners for the advertiser disclosure page."""
    past = registry.partners_in_state(PartnerState.PAST)
    return {
        "current": registry.active_partners(),
        "past": sorted(past, key=lambda partner: partner.active_until, reverse=True),
    }
