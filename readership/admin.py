from django.contrib import admin

from .models import ArticleViewCount


@admin.register(ArticleViewCount)
class ArticleViewCountAdmin(admin.ModelAdmin):
    list_display = ["article", "count", "updated_at"]
    list_select_related = ["article"]
    ordering = ["-count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
