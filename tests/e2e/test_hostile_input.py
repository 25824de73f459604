"""Every vector of the XSS corpus, written into an article's Markdown and into
a reader's comment, is shown in Chromium as harmless text or a safe link.

Vectors are rendered many to a page (one page load per path) and each one is
then judged on its own, as a subtest named by its id. If anything runs, the
batch is halved until the vectors that did are found.
"""

from articles.rendering import ALLOWED_TAGS, MarkdownRefused, render_markdown
from discussion.forms import CommentForm
from discussion.models import CommentStatus
from tests import factories
from tests.e2e.xss_corpus import ID_PATTERN, SENTINEL_SCRIPT, inspect, load_vectors

VECTORS = load_vectors()
# Give delayed handlers (image errors, animations, autofocus) time to fire.
SETTLE_MS = 400


def test_the_corpus_is_large_and_every_id_is_unique():
    assert len(VECTORS) >= 300
    assert len({v.id for v in VECTORS}) == len(VECTORS)


def markdown_with(vectors):
    """One section per vector, headed by its id so the DOM shows where each one went."""
    return "".join(f"## {v.id}\n\n{v.text}\n\n" for v in vectors)


class HostilePage:
    """A browser tab that records dialogs and sentinel calls from the first script on."""

    def __init__(self, new_context):
        # Bypassing CSP proves the sanitizer alone keeps pages safe, whatever
        # headers a deployment adds on top.
        context = new_context(bypass_csp=True)
        context.add_init_script(SENTINEL_SCRIPT)
        self.page = context.new_page()
        self.dialogs = []
        self.page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def load(self, url, content_selector, marker_pattern=ID_PATTERN, marker_names=None):
        """What the page shows; problems are filed under vector ids (via marker_names if given)."""
        self.dialogs.clear()
        self.page.goto(url)
        self.page.wait_for_timeout(SETTLE_MS)
        report = inspect(self.page, content_selector, ALLOWED_TAGS, marker_pattern)
        if marker_names is not None:
            report["markers"] = [marker_names.get(m, m) for m in report["markers"]]
            for problem in report["problems"]:
                problem["marker"] = marker_names.get(problem["marker"], problem["marker"])
        report["ran"] = self.dialogs + [
            f"__xss({call!r})" for call in self.page.evaluate("window.__xssCalls")
        ]
        return report


# The title and summary also reach the page head: <title>, meta tags, JSON-LD.
HOSTILE_TITLE = "Hostile </script><script>__xss('title')</script><!--"
HOSTILE_SUMMARY = (
    "\"><img src=x onerror=alert('summary')></script><script>__xss('summary')</script>"
)


def publish_markdown(vectors):
    article = factories.published_article(title=HOSTILE_TITLE, body=markdown_with(vectors))
    revision = article.live_revision
    revision.summary = HOSTILE_SUMMARY
    revision.save(update_fields=["summary"])
    return article.get_absolute_url()


def judge_each_vector(subtests, vectors, report, ran_alone):
    by_vector = {}
    for problem in report["problems"]:
        by_vector.setdefault(problem["marker"], []).append(problem)
    with subtests.test(msg="page outside the vectors"):
        assert not by_vector.get("page"), by_vector.get("page")
    for vector in vectors:
        with subtests.test(msg=vector.id):
            assert vector.id in report["markers"], (
                f"{vector.id} has no section of its own: the vector before it swallowed it"
            )
            assert not ran_alone.get(vector.id), f"{vector.id} ran code: {ran_alone[vector.id]}"
            problems = [f"{p['what']}: {p['html']}" for p in by_vector.get(vector.id, [])]
            assert not problems, f"{vector.id} {vector.text!r} left:\n" + "\n".join(problems)


def find_vectors_that_ran(browser_tab, vectors, show):
    """Halve the batch until each vector that runs code is alone: {id: what ran}."""
    report = show(browser_tab, vectors)
    if not report["ran"]:
        return {}
    if len(vectors) == 1:
        return {vectors[0].id: report["ran"]}
    middle = len(vectors) // 2
    return {
        **find_vectors_that_ran(browser_tab, vectors[:middle], show),
        **find_vectors_that_ran(browser_tab, vectors[middle:], show),
    }


def check_every_vector(new_context, subtests, show, vectors=VECTORS):
    browser_tab = HostilePage(new_context)
    report = show(browser_tab, vectors)
    ran_alone = {}
    if report["ran"]:
        ran_alone = find_vectors_that_ran(browser_tab, vectors, show)
        assert ran_alone, f"code ran on the page of all vectors: {report['ran']}"
    judge_each_vector(subtests, vectors, report, ran_alone)


def show_in_article(browser_tab, vectors):
    return browser_tab.load(publish_markdown(vectors), ".prose")


# A reader's name is shown beside the comment: plain text, whatever it holds.
HOSTILE_NAME = "\"><img src=x onerror=alert('name')><script>__xss('name')</script>"


def show_in_comments(browser_tab, vectors):
    """Each vector as a reader's comment, validated by the site's comment form, then approved."""
    article = factories.published_article(title="Comments under attack")
    marker_names = {}
    for vector in vectors:
        form = CommentForm(data={"name": HOSTILE_NAME, "email": "", "body": vector.text})
        assert form.is_valid(), f"{vector.id} was refused by the comment form: {form.errors}"
        comment = form.save(commit=False)
        comment.article, comment.status = article, CommentStatus.APPROVED
        comment.save()
        marker_names[f"comment-{comment.pk}"] = vector.id
    return browser_tab.load(
        article.get_absolute_url(), ".comment-body", r"comment-\d+", marker_names
    )


def test_markdown_vectors_never_run_and_leave_nothing_dangerous(new_context, live_server, subtests):
    # Pictures from anywhere but the image library stop the whole text (the
    # editor is told the line): those vectors never reach a page at all.
    shown = []
    for vector in VECTORS:
        try:
            render_markdown(markdown_with([vector]))
        except MarkdownRefused as refused:
            with subtests.test(msg=vector.id):
                assert "is not from our image library" in refused.message, refused.message
            continue
        shown.append(vector)
    assert len(shown) >= len(VECTORS) - 10
    check_every_vector(new_context, subtests, show_in_article, shown)


def test_comment_vectors_never_run_and_leave_nothing_dangerous(new_context, live_server, subtests):
    check_every_vector(new_context, subtests, show_in_comments)
