import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import structured_data

register = template.Library()

# As django's json_script: < > & escaped, so text can never close the script element.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def article_structured_data(context, article, revision):
    request = context["request"]
    return json_ld(structured_data.medical_web_page(article, revision, request)) + json_ld(
        structured_data.breadcrumb_list(structured_data.article_crumbs(article, revision), request)
    )


@register.simple_tag(takes_context=True)
def social_card(context, article):
    """{% social_card article as card %}: the picture shown when the article is shared."""
    return structured_data.social_card(article, context["request"])


@register.simple_tag(takes_context=True)
def topic_structured_data(context, topic):
    crumbs = structured_data.topic_crumbs(topic)
    return json_ld(structured_data.breadcrumb_list(crumbs, context["request"]))
