"""The one date and time format of the admin, with the time zone: "1 Dec 2026, 14:32 UTC".

Django formats dates through the locale's format module; FORMAT_MODULE_PATH
points it here (en_GB/formats.py), so changelists, read-only fields and
templates ({{ x|date:"DATETIME_FORMAT" }}) say it the same way. Python code
that writes a time into a message or a history line uses shown_time().
Public pages keep their own explicit formats ("1 December 2026").
"""

from django.utils import formats, timezone


def shown_time(moment, empty="none"):
    """A moment as editors read it, in the site's time zone: "1 Dec 2026, 14:32 UTC"."""
    if moment is None:
        return empty
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def shown_date(moment, empty="—"):
    """The day of a moment in the site's time zone: "1 Dec 2026"."""
    if moment is None:
        return empty
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")
