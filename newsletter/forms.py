from django import forms

from mesoguide.characters import validate_visible_address
from mesoguide.forms import BoundedEchoMixin, HoneypotMixin

from .addresses import stored_address


class SignupForm(BoundedEchoMixin, HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        validators=[validate_visible_address],
        help_text="We first send a link to confirm it is yours. Every newsletter has a one-click unsubscribe link.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return stored_address(self.cleaned_data["email"])

    def __init__(self, *args, placement="page", **kwargs):
        # Several signup forms can share a page (footer, end of article): keep ids unique.
        kwargs.setdefault("auto_id", f"newsletter-{placement}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
