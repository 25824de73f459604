"""The editors' screens. Every change of text or state goes through
articles.workflow, so the admin offers only what the rules allow and a crafted
POST is refused by the same rules."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from discovery.admin import RelatedArticleInline
from mesoguide.formats import shown_date, shown_time
from mesoguide.stale_forms import RefuseStaleChanges

from . import autosave, compare_screen, medical_queue, review_screen, wording, workflow
from .admin_forms import ArticleEditForm, WorkflowActionForm, revision_diff_table
from .admin_search import search_articles
from .article_page import preview_context
from .models import Article, Kind, Person, ReviewEvent, Revision, RevisionState, Status, Topic
from .my_work import WaitingOnMeFilter
from .rendering import MarkdownRefused, Rendered, render_markdown
from .review_cycle import DUE_SOON_DAYS

admin.site.site_header = "MesoGuide editorial desk"
admin.site.site_title = "MesoGuide admin"
admin.site.index_title = "Editorial desk"
# Django's side menu takes 300 px of every screen and repeats the home page's
# list: without it the article list fits a 1280 px screen whole.
admin.site.enable_nav_sidebar = False

# What the editor is told after each review step.
REVIEW_DONE = {
    "submit": "Revision {number} was submitted for review.",
    "request_changes": "Changes requested on revision {number}; the writer sees your note.",
    "approve": "Revision {number} is approved and can be published by an editor.",
}

ACTION_LABELS = workflow.ACTION_LABELS


def _is_number(value):
    """An id as a URL may hold it: ASCII digits only ("²" is a digit to Python, not to int())."""
    value = str(value)
    return value.isascii() and value.isdigit()


def closed_by_reason(choices):
    """The actions not open now, grouped by their reason (in the panel's order):
    [(first action's name, reason, [labels])]; the name keys the reason's id."""
    groups = {}
    for name, label, reason in choices:
        if reason:
            groups.setdefault(reason, (name, []))[1].append(label)
    return [(name, reason, labels) for reason, (name, labels) in groups.items()]


def scheduled_label(moment):
    """ "Scheduled for 1 Dec 2026, 09:00 UTC": the time as the site's editors read it."""
    return f"Scheduled for {shown_time(moment)}"


def kept_text(data, article):
    """An editor's unsaved text from a refused save, to show beside the colleague's."""
    latest = article.latest_revision.body if article.latest_revision else ""
    body = data.get("body", "")
    return {
        "title": data.get("title", ""),
        "summary": data.get("summary", ""),
        "body": body,
        "diff": revision_diff_table(latest or "", body, "Saved now", "Yours (not saved)"),
    }


@admin.register(Topic)
class TopicAdmin(RefuseStaleChanges, admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Person)
class PersonAdmin(RefuseStaleChanges, admin.ModelAdmin):
    list_display = ["name", "role", "credentials", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            *[(s.value, s.label) for s in RevisionState if s != RevisionState.PUBLISHED],
            ("scheduled", "Scheduled"),
            ("live", "Published, no pending changes"),
            ("pending", "Published, with unpublished changes"),
            (Status.UNPUBLISHED.value, Status.UNPUBLISHED.label),
            (Status.ARCHIVED.value, Status.ARCHIVED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in {Status.UNPUBLISHED, Status.ARCHIVED}:
            return queryset.filter(status=value)
        if value == "scheduled":
            return queryset.filter(
                Q(scheduled_revision__isnull=False)
                | Q(status=Status.PUBLISHED, publish_at__gt=timezone.now())
            )
        if value == "live":
            return queryset.filter(status=Status.PUBLISHED, latest_revision=F("live_revision"))
        if value == "pending":
            return queryset.filter(status=Status.PUBLISHED).exclude(
                latest_revision=F("live_revision")
            )
        if value:
            return queryset.filter(latest_revision__state=value).exclude(status=Status.ARCHIVED)
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("soon", f"Due within {DUE_SOON_DAYS} days")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(review_due_at__lt=now).exclude(status=Status.ARCHIVED)
        if self.value() == "soon":
            soon = now + timezone.timedelta(days=DUE_SOON_DAYS)
            return queryset.filter(review_due_at__gte=now, review_due_at__lte=soon).exclude(
                status=Status.ARCHIVED
            )
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleEditForm
    empty_value_display = "—"
    inlines = [RelatedArticleInline]
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title_column",
        "topic",
        "state_column",
        "live_column",
        "scheduled_column",
        "last_reviewed_column",
        "review_due_column",
    ]
    list_filter = [
        WaitingOnMeFilter,
        WorkflowStateFilter,
        ReviewDueFilter,
        "kind",
        "topic",
        "author",
    ]
    list_select_related = [
        "latest_revision",
        "live_revision",
        "scheduled_revision",
        "topic",
        "author",
    ]
    # Address, and title, summary and text of the live version and latest draft (admin_search.py).
    search_fields = ["slug"]
    search_help_text = (
        "Finds words in the title, summary and text of the live version and the latest draft."
    )
    fieldsets = [
        (None, {"fields": ["title", "summary", "body", "based_on"]}),
        ("Place in the guide", {"fields": ["kind", "slug", "topic", "author", "order", "image"]}),
        ("Review cycle", {"fields": ["review_interval_months", "opened_version"]}),
    ]
    readonly_fieldsets = [
        ("Latest text", {"fields": ["latest_text"]}),
        ("Place in the guide", {"fields": ["kind", "slug", "topic", "author", "order", "image"]}),
    ]

    # --- list columns ---------------------------------------------------------

    @admin.display(description="Title", ordering="latest_revision__title")
    def title_column(self, article):
        return article.title

    @admin.display(description="State")
    def state_column(self, article):
        return article.workflow_state

    @admin.display(description="Scheduled", ordering="go_live_at")
    def scheduled_column(self, article):
        moment = article.scheduled_for
        if moment is None:
            return "—"
        return scheduled_label(moment)

    @admin.display(description="Live / draft")
    def live_column(self, article):
        live = article.live_revision
        if article.scheduled_for is not None and article.scheduled_revision_id is None:
            return f"Not live yet · r{live.number} scheduled"
        if live is None or article.status != Status.PUBLISHED:
            return (
                f"Not live · draft r{article.latest_revision.number}"
                if article.latest_revision
                else "—"
            )
        if article.has_unpublished_changes:
            return f"Live r{live.number} · draft r{article.latest_revision.number}"
        return f"Live r{live.number}"

    @admin.display(description="Last reviewed", ordering="last_reviewed_at")
    def last_reviewed_column(self, article):
        return shown_date(article.last_reviewed_at)

    @admin.display(description="Review due", ordering="review_due_at")
    def review_due_column(self, article):
        if article.review_due_at is None:
            return "—"
        label = shown_date(article.review_due_at)
        if article.review_due_at < timezone.now():
            return format_html('<strong class="overdue">Overdue since {}</strong>', label)
        return label

    @admin.display(description="Latest text")
    def latest_text(self, article):
        revision = article.latest_revision
        if revision is None:
            return "—"
        return format_html(
            "<p><strong>{}</strong> (revision {})</p><p>{}</p>"
            '<p><a href="{}?preview">Read it as readers would see it</a></p>',
            revision.title,
            revision.number,
            revision.summary,
            article.get_absolute_url(),
        )

    def get_search_results(self, request, queryset, search_term):
        return search_articles(queryset, search_term), False

    def get_prepopulated_fields(self, request, obj=None):
        # A new article's address follows its title as it is typed (Django's
        # prepopulate script); the form fills it on the server too (ArticleEditForm.clean).
        # Through this method, not the attribute: the title is a form field, not a model one.
        return {"slug": ("title",)} if obj is None else {}

    def get_readonly_fields(self, request, obj=None):
        # What readers see beside the text of a live article changes only by
        # an editor (docs/editors.md, "Live articles"); writers see it read-only.
        if obj is not None and not workflow.may_change_placement(request.user, obj):
            return list(workflow.PLACEMENT_FIELDS)
        return []

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.readonly_fieldsets
        return self.fieldsets

    # --- saving: structure on the article, text as a new revision ------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        kept = autosave.kept_for(request.user, obj) if autosave.restoring(request) else None
        return autosave.with_restored_text(form, kept) if kept is not None else form

    def save_model(self, request, obj, form, change):
        text = {k: form.cleaned_data[k] for k in ("title", "summary", "body")}
        if not change:
            obj.save()
            workflow.save_draft(obj, user=request.user, **text)
            autosave.clear(request.user, None)
            return
        autosave.clear(request.user, obj)  # rolled back with the save if that fails
        # Only what the form changed is written, under the row lock form.clean()
        # took, and only over the version the editor saw (or confirmed replacing).
        article = workflow.change_placement(
            form.current,
            form.placement_changes(),
            user=request.user,
            expected_version=form.expected_version,
        )
        if form.text_changed():
            revision = workflow.save_draft(
                article,
                user=request.user,
                based_on=form.based_on_revision(),
                expected_version=article.version,
                **text,
            )
            article.refresh_from_db()
            if article.status == Status.PUBLISHED and article.live_revision:
                messages.info(
                    request,
                    f"Saved as draft revision {revision.number}. Readers still see revision "
                    f"{article.live_revision.number} until this one is reviewed and published.",
                )
        if form.replacing is not None:
            workflow.record(
                article, request.user, "replace_colleague_changes", form.replacing.summary()
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [f for f in formsets if f.has_changed()]
        if change and changed:
            # Related articles show on the page: a change counts like any other.
            workflow.record(
                form.current, request.user, "change_related", "Changed the related articles."
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        only_conflict = form.conflict is not None and not any(
            form.errors.get(name) for name in form.errors if name != "__all__"
        )
        if only_conflict and not any(
            formset.formset.errors and any(formset.formset.errors)
            for formset in context["inline_admin_formsets"]
        ):
            # No field is wrong: the conflict screen explains, not "Please correct the error".
            context["errors"] = []
            context["conflict"] = form.conflict
        return super().render_change_form(request, context, add, change, form_url, obj)

    def delete_model(self, request, obj):
        workflow.delete_draft(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action: each row checked under its lock.
        for article in queryset:
            workflow.delete_draft(article, user=request.user)

    def has_delete_permission(self, request, obj=None):
        # History is kept: only never-published drafts may be deleted, and only by editors.
        if obj is not None and obj.first_published_at is not None:
            return False
        return request.user.has_perm("articles.publish_article") and super().has_delete_permission(
            request, obj
        )

    # --- extra screens -------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("add/preview/", wrap(self.preview_view), name="articles_article_preview_new"),
            path(
                "<int:pk>/change/preview/", wrap(self.preview_view), name="articles_article_preview"
            ),
            path(
                "<int:pk>/workflow/<str:action>/",
                wrap(self.workflow_view),
                name="articles_article_workflow",
            ),
            path("<int:pk>/diff/", wrap(self.diff_view), name="articles_article_diff"),
            path("<int:pk>/review/", wrap(self.review_view), name="articles_article_review"),
            path("add/autosave/", wrap(self.autosave_view), name="articles_article_autosave_new"),
            path("<int:pk>/autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path(
                "add/autosave/discard/",
                wrap(self.discard_autosave_view),
                name="articles_article_autosave_discard_new",
            ),
            path(
                "<int:pk>/autosave/discard/",
                wrap(self.discard_autosave_view),
                name="articles_article_autosave_discard",
            ),
            path(
                "<int:pk>/restore/<int:number>/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, pk):
        if not _is_number(pk):  # /admin/articles/article/abc/history/ is a 404, not a 500
            raise Http404
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request, pk=None):
        return autosave.save_view(self, request, pk)

    def discard_autosave_view(self, request, pk=None):
        return autosave.discard_view(self, request, pk)

    def add_view(self, request, form_url="", extra_context=None):
        extra = autosave.offer(request, None, None)
        return super().add_view(request, form_url, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not _is_number(object_id):
            raise Http404
        extra_context = dict(extra_context or {})
        article = (
            Article.objects.filter(pk=object_id)
            .select_related("latest_revision__created_by", "live_revision__medically_reviewed_by")
            .first()
        )
        extra = {}
        if article is not None and self.has_view_or_change_permission(request, article):
            if request.method == "POST" and request.POST.get("_conflict") == "reload":
                # Conflict option (a): the colleague's version in the form, the
                # editor's own text kept beside it, nothing saved.
                extra_context["kept_text"] = kept_text(request.POST, article)
                request.method, request.POST = "GET", request.POST.__class__()
            choices = workflow.action_choices(article, request.user)
            extra = {
                "workflow_article": article,
                # Open actions as forms; the others shown disabled, with the reason.
                "workflow_actions": [(n, label) for n, label, reason in choices if reason is None],
                "closed_actions": closed_by_reason(choices),
                "workflow_form": WorkflowActionForm(),
                "typed": request.session.pop(f"workflow-typed-{article.pk}", {}),
                "recent_events": article.events.select_related("actor", "revision")[:5],
                **autosave.offer(request, article, article.latest_revision),
                "compare_links": compare_screen.shortcuts(article),
                # Reached from the "Needs medical review" list: the revision that
                # waits may be the live one under a newer draft, reviewed on its own screen.
                "medical_waiting": medical_queue.waiting_revision(
                    article, request.user, timezone.now()
                )
                if request.user.has_perm("articles.attest_medical_review")
                else None,
            }
        return super().change_view(request, object_id, form_url, {**extra, **extra_context})

    def workflow_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, pk)
        form = WorkflowActionForm(request.POST)
        if action not in ACTION_LABELS or not form.is_valid():
            named = {"note": "Note", "quote": "Quoted passage", "change_summary": "What changed"}
            field = next((name for name in named if name in form.errors), None)
            if action in ACTION_LABELS and field:
                messages.error(
                    request,
                    f"{ACTION_LABELS[action]}: not done. {named[field]}: {form.errors[field][0]}",
                )
            else:
                messages.error(request, "That workflow action was not understood; nothing changed.")
            return redirect("admin:articles_article_change", pk)
        data = form.cleaned_data
        try:
            message = self._perform(article, action, request.user, data)
        except (PermissionDenied, ValidationError) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            messages.error(request, f"{ACTION_LABELS[action]}: not done. {text}")
            # What was typed (a note, "What changed", a time) comes back in the form.
            typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            request.session[f"workflow-typed-{pk}"] = {"action": action, **typed}
        else:
            messages.success(request, message)
        if request.POST.get("_screen") == "review":
            back = reverse("admin:articles_article_review", args=[pk])
            if data.get("revision") is not None:
                back = f"{back}?revision={data['revision']}"
            return redirect(back)
        return redirect("admin:articles_article_change", pk)

    def _perform(self, article, action, user, data):
        note = data["note"]
        number = article.latest_revision.number if article.latest_revision else None
        seen = {"user": user, "expected_version": data["version"]}
        if action in REVIEW_DONE:
            review = next(a for a in workflow.REVIEW_ACTIONS if a.name == action)
            workflow.transition(article, review, note=note, quote=data["quote"], **seen)
            return REVIEW_DONE[action].format(number=number)
        if action == "medical_review":
            revision = article.latest_revision
            if data["revision"] is not None:
                revision = article.revisions.filter(number=data["revision"]).first()
                if revision is None:
                    raise workflow.WorkflowError(f"There is no revision {data['revision']}.")
            workflow.attest_medical_review(
                article, revision, note=note, quote=data["quote"], **seen
            )
            return f"Your medical review of revision {revision.number} is recorded."
        if action == "publish":
            at = data["publish_at"]
            workflow.publish(
                article,
                at=at,
                until=data["unpublish_at"],
                clear_until=data["clear_unpublish_at"],
                change_summary=data["change_summary"],
                material=data["material"],
                **seen,
            )
            if at and at > timezone.now():
                return f"Revision {number} is {scheduled_label(at).lower()}. Readers see it then."
            return f"Revision {number} is published: readers see it now."
        if action == "cancel_schedule":
            workflow.cancel_schedule(article, note=note, **seen)
            return "The schedule is cancelled: readers keep seeing what they see now."
        if action == "unpublish":
            workflow.unpublish(article, note=note, **seen)
            return "Unpublished: readers get 'not found' until it is published again."
        workflow.archive(article, note=note, **seen)
        return "Archived: the article is hidden from readers and kept with its history."

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        revisions = article.revisions.select_related("created_by", "medically_reviewed_by")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"History of “{article.title}”",
            "article": article,
            "original": article,
            "revisions": revisions,
            "events": article.events.select_related("actor", "revision"),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def review_view(self, request, pk):
        return review_screen.view(self, request, self._article_or_404(request, pk))

    def diff_view(self, request, pk):
        return compare_screen.view(self, request, self._article_or_404(request, pk))

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        old = get_object_or_404(Revision, article=article, number=number)
        try:
            version = int(request.POST.get("version", ""))
            revision = workflow.restore(article, old, user=request.user, expected_version=version)
        except MarkdownRefused as refused:  # e.g. a picture it shows was deleted since
            messages.error(
                request, f"Restore: not done. The old text can't be used: {refused.message}"
            )
            return redirect("admin:articles_article_history", pk)
        except ValueError:
            messages.error(request, "Restore: not done. Reload the history and try again.")
            return redirect("admin:articles_article_history", pk)
        except ValidationError as error:
            messages.error(request, f"Restore: not done. {error.messages[0]}")
            return redirect("admin:articles_article_history", pk)
        messages.success(
            request,
            f"The text of revision {number} is now draft revision {revision.number}. "
            "It needs review before readers see it.",
        )
        return redirect("admin:articles_article_change", pk)

    def preview_view(self, request, pk=None):
        """Render unsaved text exactly as readers would get it, sanitized the same way."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = (
            self._article_or_404(request, pk)
            if pk
            else Article(kind=request.POST.get("kind", "article"))
        )
        if pk is None and not self.has_add_permission(request):
            raise PermissionDenied
        try:
            rendered = render_markdown(request.POST.get("body", ""))
        except MarkdownRefused as refused:
            # The preview shows why the text can't be saved, where the text would be.
            message = format_html('<p class="preview-refused">{}</p>', refused.message)
            rendered = Rendered(html=message, toc_html="", word_count=0, reading_minutes=1)
        revision = Revision(
            article=article,
            number=0,
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
            body_html=rendered.html,
            toc_html=rendered.toc_html,
            reading_minutes=rendered.reading_minutes,
        )
        if article.kind == Kind.PAGE:
            template = "articles/page.html"
            context = {"article": article, "revision": revision, "preview": True}
        else:
            template = "articles/article.html"
            context = preview_context(request, article, revision)
        context["unsaved_preview"] = True
        response = TemplateResponse(request, template, context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class EventKindFilter(admin.SimpleListFilter):
    title = "what was done"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(wording.EVENT_WORDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit log: read-only for everyone."""

    list_display = [
        "created_at",
        "article",
        "revision_number",
        "what",
        "who",
        "from_words",
        "to_words",
        "note",
    ]
    list_filter = [EventKindFilter]
    search_fields = ["note", "article__slug"]
    list_select_related = ["article__latest_revision", "revision", "actor"]

    @admin.display(description="What", ordering="action")
    def what(self, event):
        return wording.event_words(event.action)

    @admin.display(description="Who")
    def who(self, event):
        return wording.person_words(event.actor)

    @admin.display(description="From")
    def from_words(self, event):
        return wording.state_words(event.from_state)

    @admin.display(description="To")
    def to_words(self, event):
        return wording.state_words(event.to_state)

    @admin.display(description="Revision")
    def revision_number(self, event):
        return event.revision.number if event.revision else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
