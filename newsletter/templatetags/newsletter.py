from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("newsletter/_signup.html", takes_context=True)
def newsletter_signup(context, placement):
    """A signup form; needs no database, so it also works on the 500 page."""
    return {
        "form": SignupForm(placement=placement),
        "placement": placement,
        "csrf_token": context.get("csrf_token"),
    }
