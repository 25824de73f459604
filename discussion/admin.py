from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator

from mesoguide.stale_forms import RefuseStaleChanges

from .models import Comment, CommentStatus, comments_moderated


@admin.register(Comment)
class CommentAdmin(RefuseStaleChanges, admin.ModelAdmin):
    list_display = ["excerpt", "name", "article", "status", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "body"]
    list_select_related = ["article", "article__latest_revision"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject"]
    # Moderators decide; they never rewrite a reader's words.
    readonly_fields = [
        "article",
        "name",
        "email",
        "body",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fields = ["status", *readonly_fields]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_at, obj.moderated_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, status):
        changing = queryset.exclude(status=status)
        article_ids = set(changing.values_list("article_id", flat=True))
        count = changing.update(
            status=status, moderated_at=timezone.now(), moderated_by=request.user
        )
        comments_moderated.send(sender=Comment, article_ids=article_ids)
        label = CommentStatus(status).label.lower()
        self.message_user(request, f"{count} comment(s) {label}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, CommentStatus.REJECTED)
