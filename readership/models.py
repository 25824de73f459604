from django.db import models


class ArticleViewCount(models.Model):
    """Reader visits of one article that have been flushed from the cache buffer."""

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "article view count"

    def __str__(self):
        return f"{self.article_id}: {self.count}"
