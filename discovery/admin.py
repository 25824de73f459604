from django.contrib import admin

from mesoguide.stale_forms import RefuseStaleChanges

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


# Screen-reader names of a row's inputs, apart from the article's own fields.
INLINE_NAMES = {"related": "Related article", "order": "Position among the related articles"}


class RelatedArticleInline(admin.TabularInline):
    """For the article editor: `inlines = [RelatedArticleInline]` on ArticleAdmin."""

    model = RelatedArticle
    fk_name = "article"
    extra = 1
    verbose_name = "related article chosen by the editors"
    verbose_name_plural = "related articles chosen by the editors"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            # A table row's inputs have no <label> of their own (the column
            # heading is not one): name each for screen readers.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", INLINE_NAMES.get(db_field.name, field.label))
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Each choice is named by its title, which lives on a revision: load
        # them with the articles (one query, not one per article in the guide).
        if db_field.name == "related":
            kwargs["queryset"] = db_field.related_model.objects.select_related(
                "latest_revision", "live_revision"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RelatedArticle)
class RelatedArticleAdmin(RefuseStaleChanges, admin.ModelAdmin):
    list_display = ["article", "related", "order"]
    list_editable = ["order"]
    # The articles that have related ones chosen, not the whole guide: with "Show
    # counts" each choice is a column of one query (PostgreSQL takes 1,664).
    list_filter = [("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article__latest_revision", "related__latest_revision"]

    # Related articles show on the article's page: each change counts as a
    # change of the article (its version), so an article form opened before it
    # is refused instead of silently undoing it.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _count_change(obj.article, request.user, f"Related article set: {obj.related}.")

    def delete_model(self, request, obj):
        article, related = obj.article, obj.related
        super().delete_model(request, obj)
        _count_change(article, request.user, f"Related article removed: {related}.")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _count_change(article, user, note):
    from articles import workflow

    workflow.record(article, user, "change_related", note)
