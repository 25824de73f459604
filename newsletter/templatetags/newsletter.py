from django import template

from mesoguide.blank_forms import blank_form
from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("newsletter/_signup.html", takes_context=True)
def newsletter_signup(context, placement):
    """A signup form; needs no database, so it also works on the 500 page."""
    return {
        "form_html": blank_form(
            "newsletter/_signup_form.html",
            SignupForm,
            context.get("csrf_token"),
            form_options={"placement": placement},
        ),
        "placement": placement,
    }
