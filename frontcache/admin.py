from django.contrib import admin

from .models import PendingPurge


@admin.register(PendingPurge)
class PendingPurgeAdmin(admin.ModelAdmin):
    """Purges the front cache has not confirmed yet, for operators: read-only, since
    purge_front_cache retries them on its own."""

    list_display = ["created_at", "what", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["all_pages"]
    ordering = ["created_at"]

    @admin.display(description="Pages")
    def what(self, purge):
        if purge.all_pages:
            return "Every page"
        shown = ", ".join(purge.paths[:5])
        return shown + (f" and {len(purge.paths) - 5} more" if len(purge.paths) > 5 else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
