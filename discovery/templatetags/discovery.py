from django import template

from discovery import queries, sharing, sidebar

register = template.Library()


@register.inclusion_tag("discovery/_picks.html")
def editors_picks(exclude=None, heading_level=2, as_cards=True):
    return {
        "picks": queries.editors_picks(exclude=exclude),
        "heading_level": heading_level,
        "as_cards": as_cards,
    }


@register.inclusion_tag("discovery/_more_to_read.html")
def more_to_read(article):
    """The sidebar beside an article: related articles, then the editors' other picks."""
    links = sidebar.more_to_read(article)
    return {"related": links.related, "picks": links.picks, "heading_level": 2}


@register.inclusion_tag("discovery/_share.html")
def share_links(url, title):
    return {"links": sharing.share_links(url, title), "url": url}
