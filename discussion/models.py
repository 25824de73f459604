"""Readers' comments on guide articles, shown only after a moderator approves them."""

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils import timezone

from articles.rendering import render_comment
from mesoguide.characters import (
    validate_one_line,
    validate_storable,
    validate_visible_address,
)

# Sent with `article_ids` after comments change status in bulk (the admin's
# approve and reject actions), which sends no post_save; cached article pages
# listen (discussion/signals.py).
comments_moderated = Signal()


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)


class Comment(models.Model):
    NAME_MAX = 80
    BODY_MAX = 3000

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    name = models.CharField(max_length=NAME_MAX, validators=[validate_storable, validate_one_line])
    email = models.EmailField(
        blank=True, help_text="Never shown to readers.", validators=[validate_visible_address]
    )
    body = models.TextField(max_length=BODY_MAX, validators=[validate_storable])
    body_html = models.TextField(editable=False)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        # Rendered once, like article text; the page only prints body_html.
        self.body_html = render_comment(self.body)
        super().save(*args, **kwargs)
