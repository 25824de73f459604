from django.contrib import admin

from .models import EditorsPick, RelatedArticle


@admin.register(EditorsPick)
class EditorsPickAdmin(admin.ModelAdmin):
    list_display = ["article", "order", "is_live"]
    list_editable = ["order"]
    list_select_related = ["article", "article__latest_revision"]

    @admin.display(boolean=True, description="Readers see it")
    def is_live(self, pick):
        from articles.models import Article

        return Article.objects.published().filter(pk=pick.article_id).exists()


class RelatedArticleInline(admin.TabularInline):
    """For the article editor: `inlines = [RelatedArticleInline]` on ArticleAdmin."""

    model = RelatedArticle
    fk_name = "article"
    extra = 1
    verbose_name = "related article chosen by the editors"
    verbose_name_plural = "related articles chosen by the editors"


@admin.register(RelatedArticle)
class RelatedArticleAdmin(admin.ModelAdmin):
    list_display = ["article", "related", "order"]
    list_editable = ["order"]
    list_filter = ["article"]
    list_select_related = ["article__latest_revision", "related__latest_revision"]
