"""The review screen: the latest revision as readers would see it, with its
changes since the last approved revision marked, and one form to write a note,
optionally about a quoted passage, and act on it (request changes, approve,
attest the medical review).

    /admin/articles/article/<pk>/review/
    /admin/articles/article/<pk>/review/?revision=<number>

The form posts to the same workflow actions as the article's page
(ArticleAdmin.workflow_view, which comes back here); whoever may not act sees
the button disabled with the reason (workflow.check). An earlier revision (the
live or scheduled one, from "Needs medical review" in My work) is reviewed
here for its medical review only: approving and sending back act on the latest.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from . import workflow
from .compare_screen import Part, compare, compare_url, last_reviewed
from .diffs import Comparison
from .models import Status
from .review_notes import MAX_QUOTE_CHARS

# The actions a reviewer takes here, in the order they read them.
REVIEW_ACTIONS = ("request_changes", "approve", "medical_review")


def _whole(revision):
    """The revision's parts unmarked: nothing was approved before to compare with."""
    return [
        Part("Title", Comparison(revision.title, changed=False), source=True),
        Part("Summary", Comparison(revision.summary, changed=False), source=True),
        # body_html is the renderer's sanitized output, stored at save.
        Part("Text", Comparison(mark_safe(revision.body_html), changed=False)),  # noqa: S308
    ]


def _asked_revision(article, request):
    """The revision named by ?revision=<number>, or None for the latest."""
    number = request.GET.get("revision", "")
    if not number:
        return None
    if not (number.isascii() and number.isdigit()) or len(number) > 9:  # "²" is a digit too
        raise Http404
    revision = article.revisions.filter(number=int(number)).first()
    if revision is None:
        raise Http404
    return None if revision.pk == article.latest_revision_id else revision


def _choices(article, revision, user):
    """{action name: (label, reason or None)} for the revision shown."""
    if revision is None:
        return {
            name: (label, reason) for name, label, reason in workflow.action_choices(article, user)
        }
    refusal = workflow.check("medical_review", article, user, revision=revision)
    return {
        "medical_review": (
            workflow.ACTION_LABELS["medical_review"],
            getattr(refusal, "reason", None),
        )
    }


def view(model_admin, request, article):
    earlier = _asked_revision(article, request)
    revision = earlier or article.latest_revision
    if revision is None:
        messages.error(request, "This article has no text to review yet.")
        return redirect("admin:articles_article_change", article.pk)
    reviewed = last_reviewed(article, revision)
    choices = _choices(article, earlier, request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Review revision {revision.number} of “{revision.title}”",
        "article": article,
        "original": article,
        "revision": revision,
        "earlier": earlier,
        "is_live": revision.pk == article.live_revision_id and article.status == Status.PUBLISHED,
        "reviewed": reviewed,
        "parts": compare(reviewed, revision) if reviewed else _whole(revision),
        "source_url": compare_url(article, old=reviewed.number, new=revision.number, view="source")
        if reviewed
        else None,
        "actions": [(name, *choices[name]) for name in REVIEW_ACTIONS if name in choices],
        "typed": request.session.pop(f"workflow-typed-{article.pk}", {}),
        "max_quote": MAX_QUOTE_CHARS,
    }
    response = TemplateResponse(request, "admin/articles/article/review.html", context)
    add_never_cache_headers(response)
    return response
