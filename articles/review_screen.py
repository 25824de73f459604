"""The review screen: the latest revision as readers would see it, with its
changes since the last approved revision marked, and one form to write a note,
optionally about a quoted passage, and act on it (request changes, approve,
attest the medical review).

    /admin/articles/article/<pk>/review/

The form posts to the same workflow actions as the article's page
(ArticleAdmin.workflow_view, which comes back here); whoever may not act sees
the button disabled with the reason (workflow.check).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from . import workflow
from .compare_screen import Part, compare, compare_url, last_reviewed
from .diffs import Comparison
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


def view(model_admin, request, article):
    revision = article.latest_revision
    if revision is None:
        messages.error(request, "This article has no text to review yet.")
        return redirect("admin:articles_article_change", article.pk)
    reviewed = last_reviewed(article, revision)
    choices = {
        name: (label, reason)
        for name, label, reason in workflow.action_choices(article, request.user)
    }
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Review revision {revision.number} of “{revision.title}”",
        "article": article,
        "original": article,
        "revision": revision,
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
