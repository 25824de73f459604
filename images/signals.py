"""Signals of the image library, for the apps that show its pictures."""

from django.dispatch import Signal

# Sent with `image` after an editor saved its details (alt text, caption, credit,
# licence, title): an app that shows them live refreshes its pages.
details_changed = Signal()
