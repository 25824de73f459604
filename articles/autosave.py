"""Autosave: an editor's unsaved title, summary and text, kept for them alone.

While an editor types, static/js/autosave.js posts the form's text every 15
seconds to `save_view`. One row per (editor, article) holds the latest copy,
with the article version and revision the editor had opened, so that text
restored later goes through the same compare-and-set as any save (a colleague's
change in between leads to the conflict screen, never to an overwrite). A row
is never a revision: nobody else sees it, the workflow never reads it, and
saving the article deletes it. A new article not saved yet has one row per
editor with `article` empty.

The endpoint takes the same bounds as the edit form (ArticleEditForm): at most
MAX_MARKDOWN_CHARS of text, storable characters only; anything else is refused
with a 400 naming the field, and the previous copy is kept. Each account may
autosave AUTOSAVE_RATE_LIMIT times a minute, several tabs together (the page
sends once per interval and once on leaving); past that a 429 says so and the
previous copy is kept, so a runaway script or a stolen session can't turn the
endpoint into a stream of database writes.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from mesoguide.characters import validate_one_line, validate_storable
from mesoguide.ratelimit import RateLimit

from .models import Article, AutosavedText, Revision
from .rendering import MAX_MARKDOWN_CHARS

# How often the page sends the text while the editor types (static/js/autosave.js reads it).
INTERVAL_SECONDS = 15
RESTORE_PARAMETER = "restore-autosave"
# Per account: four a minute per open tab, with room for many tabs and leaving pages.
AUTOSAVE_RATE_LIMIT = RateLimit("autosave", limit=40, per_seconds=60)


class AutosaveForm(forms.Form):
    """What the page sends: the same bounds as the edit form's fields."""

    title = forms.CharField(
        required=False,
        strip=False,
        max_length=200,
        validators=[validate_storable, validate_one_line],
    )
    summary = forms.CharField(
        required=False, strip=False, max_length=300, validators=[validate_storable]
    )
    body = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_MARKDOWN_CHARS,
        validators=[validate_storable],
        error_messages={
            "max_length": f"The text can be at most {MAX_MARKDOWN_CHARS:,} characters "
            "(it has %(show_value)d)."
        },
    )
    # Bounded like the database's integer columns: a larger number is a 400, not a 500.
    opened_version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    based_on = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    LABELS = {
        "title": "Title",
        "summary": "Summary",
        "body": "Body",
        "opened_version": "Form",
        "based_on": "Form",
    }


def kept_for(user, article):
    """This editor's autosaved copy for the article (None: a new article), or None."""
    if user is None or not user.is_authenticated:
        return None
    return AutosavedText.objects.filter(user=user, article=article).first()


def clear(user, article):
    """Forget the editor's copy: called when they save the article."""
    AutosavedText.objects.filter(user=user, article=article).delete()


def keep(user, article, data):
    """Store (or replace) the editor's copy; returns the AutosavedText."""
    based_on = data.get("based_on")
    if based_on is not None and article is not None:
        based_on = Revision.objects.filter(pk=based_on, article=article).first()
    else:
        based_on = None
    values = {
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "opened_version": data.get("opened_version") if article is not None else None,
        "based_on": based_on,
        "saved_at": timezone.now(),
    }
    for _attempt in range(2):  # two tabs may create the row at once: the second updates it
        try:
            with transaction.atomic():
                kept, _ = AutosavedText.objects.update_or_create(
                    user=user, article=article, defaults=values
                )
            return kept
        except IntegrityError:
            continue
    raise IntegrityError("autosave row kept changing")


def _article_for(model_admin, request, pk):
    if pk is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = get_object_or_404(Article, pk=pk)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


def save_view(model_admin, request, pk=None):
    """POST title, summary, body (+ opened_version, based_on): 200 {"saved_at", "label"},
    400 {"error", "errors": {field: [message]}} or 429 {"error"} with nothing stored."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article_for(model_admin, request, pk)
    if not AUTOSAVE_RATE_LIMIT.hit(f"user:{request.user.pk}"):
        response = JsonResponse(
            {
                "error": "Not autosaved: more than "
                f"{AUTOSAVE_RATE_LIMIT.limit} autosaves a minute from your account. "
                "Your text is still in this form; it is tried again at the next interval."
            },
            status=429,
        )
        response["Retry-After"] = str(AUTOSAVE_RATE_LIMIT.per_seconds)
        return response
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        errors = {name: list(messages_) for name, messages_ in form.errors.items()}
        first = next(iter(errors))
        label = AutosaveForm.LABELS.get(first, first)
        return JsonResponse(
            {"error": f"Not autosaved. {label}: {errors[first][0]}", "errors": errors}, status=400
        )
    kept = keep(request.user, article, form.cleaned_data)
    return JsonResponse(
        {
            "saved_at": kept.saved_at.isoformat(),
            "label": f"Unsaved changes kept at {kept.saved_label}",
        }
    )


def discard_view(model_admin, request, pk=None):
    """POST: forget the editor's copy and go back to the form."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article_for(model_admin, request, pk)
    kept = kept_for(request.user, article)
    if kept is not None:
        kept.delete()
        messages.info(request, f"Your unsaved text from {kept.saved_label} was discarded.")
    if article is None:
        return redirect("admin:articles_article_add")
    return redirect("admin:articles_article_change", article.pk)


def restoring(request):
    return request.method == "GET" and RESTORE_PARAMETER in request.GET


def offer(request, article, latest_revision):
    """Context for the change form: the copy to offer back, or the one just restored."""
    context = {"autosave_interval": INTERVAL_SECONDS, "autosave_parameter": RESTORE_PARAMETER}
    kept = kept_for(request.user, article)
    if kept is None or not kept.differs_from(latest_revision):
        return context
    if restoring(request):
        return {**context, "autosave_restored": kept}
    return {**context, "autosave_offer": kept}


def with_restored_text(form_class, kept):
    """The admin form class, opening with the kept text and the version it was based on,
    so saving it is checked against what the editor had opened then."""

    class RestoredForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.is_bound:
                return
            self.initial.update(title=kept.title, summary=kept.summary, body=kept.body)
            if kept.article_id is not None:
                # No version kept: 0 matches none, so saving shows the conflict screen.
                self.initial["opened_version"] = kept.opened_version or 0
                self.initial["based_on"] = kept.based_on_id

    RestoredForm.__name__ = form_class.__name__
    return RestoredForm
