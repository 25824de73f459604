"""Editors' curation: picks for the home page and sidebars, and hand-chosen related articles.

Curation never decides visibility: every list is filtered through
Article.objects.published(), so picking a draft shows nothing until it is live.
"""

from django.db import models


class EditorsPick(models.Model):
    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="editors_pick",
        limit_choices_to={"kind": "article"},
    )
    order = models.PositiveIntegerField(default=0, help_text="Smaller numbers come first.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "editors’ pick"
        verbose_name_plural = "editors’ picks"

    def __str__(self):
        return str(self.article)


class RelatedArticle(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="chosen_related",
        limit_choices_to={"kind": "article"},
    )
    related = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="chosen_as_related",
        limit_choices_to={"kind": "article"},
    )
    order = models.PositiveIntegerField(default=0, help_text="Smaller numbers come first.")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_once"),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("related")), name="not_related_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.related}"
