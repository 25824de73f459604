"""Admin change forms that refuse to save over a colleague's change made after
they were opened (the article form has its own version check; this is the same
rule for the simple rows beside it: topics, people, comments, related articles).

The form carries a fingerprint of the row as it was shown; the save re-reads the
row under a lock (the admin's transaction) and is refused if it differs.
"""

import hashlib

from django import forms


def fingerprint(instance):
    """A digest of the row's stored values."""
    values = [
        (field.attname, str(field.value_from_object(instance)))
        for field in instance._meta.concrete_fields
    ]
    return hashlib.sha256(repr(values).encode()).hexdigest()


class OpenedStateForm(forms.ModelForm):
    opened_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["opened_state"] = fingerprint(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        manager = type(self.instance)._default_manager
        current = manager.select_for_update().get(pk=self.instance.pk)
        if cleaned.get("opened_state") != fingerprint(current):
            raise forms.ValidationError(
                "Someone changed this after you opened it. Nothing of yours was saved: "
                "reload the page to see their change, then make yours again.",
                code="edit_conflict",
            )
        return cleaned


class RefuseStaleChanges:
    """ModelAdmin mixin: its change form refuses a save over a newer row."""

    form = OpenedStateForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and "opened_state" not in fields:
            fields.append("opened_state")
        return fields
