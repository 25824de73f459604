"""Conventions shared by the public forms (comments, newsletter signup)."""

from django import forms

from .characters import one_line, without_unstorable


class ReaderTextField(forms.CharField):
    """Text a reader types: control characters (NUL ...) are dropped before anything
    else looks at it. Readers can't see what a paste carried, so a refusal would
    only puzzle them (mesoguide/characters.py)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = without_unstorable(value)
        return super().to_python(value)


class ReaderLineField(ReaderTextField):
    """A one-line field a reader types (a name): line breaks, which a paste can carry
    and the reader can't see, are folded into a space rather than refused."""

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if isinstance(value, str) else value


# A refused field comes back whole up to ten times its limit (a paste a little
# too long, to shorten), cut there beyond; a field without a limit, 1,000.
ECHO_LIMIT_FACTOR = 10
ECHO_MAX_CHARACTERS = 1000


class _BoundedEcho(forms.BoundField):
    def value(self):
        value = super().value()
        max_length = getattr(self.field, "max_length", None)
        limit = max_length * ECHO_LIMIT_FACTOR if max_length else ECHO_MAX_CHARACTERS
        if isinstance(value, str) and len(value) > limit:
            return value[:limit]
        return value


class BoundedEchoMixin:
    """A refused form comes back filled in, but bounded: a comment a little too
    long comes back whole, to be shortened, while a 1 MB one is refused (the
    error says how long it was) and sent back as its first 30,000 characters;
    the page never repeats a huge body to whoever sent it."""

    bound_field_class = _BoundedEcho


class HoneypotMixin:
    """Adds a field people never see (hidden by the stylesheet) but form-filling bots do.

    A submission that fills it is spam: views drop it quietly and answer as if
    it succeeded, so the bot learns nothing.
    """

    honeypot_field = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def honeypot(self):
        return self[self.honeypot_field]

    def is_spam(self):
        return bool(self.data.get(self.add_prefix(self.honeypot_field), "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != self.honeypot_field]
