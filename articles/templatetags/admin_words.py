"""Template filters for the editors' screens: plain words for workflow codes and people."""

from django import template

from articles import wording

register = template.Library()


@register.filter
def event_words(action):
    return wording.event_words(action)


@register.filter
def state_words(code):
    return wording.state_words(code or "")


@register.filter
def person(user, nobody="The content import"):
    return wording.person_words(user, nobody)


@register.filter
def origin_words(origin):
    return wording.origin_words(origin)
