"""The workflow's records in plain words, for history lines, messages and mails.

The audit log keeps short codes (`request_changes`, `in_review`); editors
read these words instead, and people by their names, never account names
with code words after them.
"""

from .models import RevisionState, Status, public_name

EVENT_WORDS = {
    "edit": "Saved a draft",
    "import": "Imported from the content files",
    "restore": "Restored an earlier text as a new draft",
    "submit": "Submitted for review",
    "request_changes": "Asked for changes",
    "approve": "Approved",
    "medical_review": "Attested the medical review",
    "publish": "Published",
    "publish_without_review": "Published without review",
    "schedule": "Scheduled",
    "go_live": "Went live as scheduled",
    "cancel_schedule": "Cancelled the schedule",
    "unpublish": "Unpublished",
    "archive": "Archived",
    "change_placement": "Changed topic, byline or position",
    "change_related": "Changed the related articles",
    "replace_colleague_changes": "Saved over a colleague's changes",
}

# Events record a revision's state or, once it is published, the article's
# status; "draft" there is a revision's (the article's would read "Never published").
_STATE_WORDS = {
    **{status.value: status.label for status in Status},
    **{state.value: state.label for state in RevisionState},
    "scheduled": "Scheduled",
    "": "—",
}

ORIGIN_WORDS = {
    "admin": "",
    "import": "from the content files",
    "restore": "restored from an earlier revision",
}


def event_words(action):
    """ "request_changes" -> "Asked for changes" (unknown codes read as words)."""
    return EVENT_WORDS.get(action, action.replace("_", " ").capitalize())


def state_words(code):
    """ "in_review" -> "In review"; a publication status by its label."""
    return _STATE_WORDS.get(code, code.replace("_", " ").capitalize())


def person_words(user, nobody="The content import"):
    """Who did it, as colleagues know them: the byline or full name, else the
    account name; `nobody` for the system (an import or a scheduled moment)."""
    if user is None:
        return nobody
    return public_name(user) or user.get_username()


def origin_words(origin):
    return ORIGIN_WORDS.get(origin, "")
