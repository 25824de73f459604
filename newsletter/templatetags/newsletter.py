from django import template

from newsletter.forms import SignupForm

register = template.Library()


@register.inclusion_tag("newsletter/_pitch.html")
def newsletter_pitch(placement):
    """The newsletter pitch with its sign-up form, in the footer or at the end of an article."""
    return {"placement": placement, "form": SignupForm(placement=placement)}
