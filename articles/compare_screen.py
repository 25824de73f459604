"""The editors' "differences" screen: two revisions of an article compared word
by word, as readers see the text (default) or as Markdown source.

    /admin/articles/article/<pk>/diff/?from=<n|live|reviewed>&to=<n|latest>&view=<rendered|source>

`from=live` is the revision readers see now; `from=reviewed` the newest
approved revision before `to` (default: the latest draft).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .diffs import rendered_diff, text_diff
from .models import Status

VIEWS = {"rendered": "As readers see it", "source": "Markdown source"}


def live_revision(article):
    """What readers see (or saw, if the article is unpublished): None if never published."""
    if article.status == Status.DRAFT:
        return None
    return article.live_revision


def last_reviewed(article, before):
    """The newest approved revision older than `before`, or None."""
    if before is None:
        return None
    return (
        article.revisions.filter(approved_at__isnull=False, number__lt=before.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class Part:
    label: str
    comparison: object  # diffs.Comparison
    source: bool = False  # text shown as written (pre-wrap), not as rendered HTML
    code: bool = False  # Markdown: in a fixed-width font


def compare(old, new, view="rendered"):
    """The parts of two revisions an editor reads, each compared: [Part]."""
    parts = [
        Part("Title", text_diff(old.title, new.title), source=True),
        Part("Summary", text_diff(old.summary, new.summary), source=True),
    ]
    if view == "source":
        parts.append(Part("Text (Markdown)", text_diff(old.body, new.body), source=True, code=True))
    else:
        parts.append(Part("Text", rendered_diff(old.body_html, new.body_html)))
    return parts


def revision_name(article, revision):
    """ "revision 4 (live)": a revision as the editor knows it."""
    marks = []
    if revision.pk == article.live_revision_id and article.status != Status.DRAFT:
        marks.append("live")
    if revision.pk == article.latest_revision_id:
        marks.append("latest")
    return f"revision {revision.number}" + (f" ({', '.join(marks)})" if marks else "")


def compare_url(article, old="live", new="latest", view="rendered"):
    query = {"from": old, "to": new}
    if view != "rendered":
        query["view"] = view
    return reverse("admin:articles_article_diff", args=[article.pk]) + "?" + urlencode(query)


def shortcuts(article):
    """The one-click comparisons offered on the article's page: [(label, url)].
    When the live text is also the last reviewed one, one link says both."""
    latest = article.latest_revision
    if latest is None:
        return []
    links = []
    live = live_revision(article)
    reviewed = last_reviewed(article, latest)
    if live is not None and live.pk != latest.pk:
        also = (
            " (also the last reviewed)" if reviewed is not None and reviewed.pk == live.pk else ""
        )
        links.append((f"Compare the latest draft with the live text{also}", compare_url(article)))
    if reviewed is not None and (live is None or reviewed.pk != live.pk):
        links.append(
            (
                f"Compare the latest draft with the last reviewed text (revision {reviewed.number})",
                compare_url(article, old="reviewed"),
            )
        )
    return links


def _pick(article, value, to=None):
    if value in (None, "", "latest"):
        return article.latest_revision, None
    if value == "live":
        found = live_revision(article)
        return found, "This article has never been published: there is no live text to compare."
    if value == "reviewed":
        found = last_reviewed(article, to)
        return found, "No earlier revision of this article was reviewed yet."
    if not (str(value).isascii() and str(value).isdigit()):  # not "²", which int() refuses
        return None, "Choose two revisions of this article to compare."
    found = article.revisions.filter(number=int(value)).first()
    return found, f"This article has no revision {value}."


def view(model_admin, request, article):
    new, problem = _pick(article, request.GET.get("to"))
    old, problem_old = _pick(article, request.GET.get("from", "live"), to=new)
    if new is None or old is None:
        messages.error(request, (problem if new is None else problem_old) or "Nothing to compare.")
        return redirect("admin:articles_article_history", article.pk)
    chosen = request.GET.get("view", "rendered")
    chosen = chosen if chosen in VIEWS else "rendered"
    title = (
        f"{revision_name(article, old).capitalize()} compared with {revision_name(article, new)}"
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "article": article,
        "original": article,
        "old": old,
        "new": new,
        "parts": compare(old, new, chosen),
        "views": [
            (name, label, compare_url(article, old.number, new.number, name), name == chosen)
            for name, label in VIEWS.items()
        ],
        "view": chosen,
        "shortcuts": shortcuts(article),
    }
    return TemplateResponse(request, "admin/articles/article/diff.html", context)
