from django.db import models


class PendingPurge(models.Model):
    """Pages still to purge from the front cache: written when pages change, deleted
    once the front cache confirmed the purge, retried by `purge_front_cache` until then.

    `paths` are site-relative URL paths ("/guide/what-it-is/"); `all_pages` purges
    the whole site instead.
    """

    paths = models.JSONField(default=list)
    all_pages = models.BooleanField("every page", default=False)
    created_at = models.DateTimeField("changed at", auto_now_add=True)
    # Nobody tries it before this moment: the retry back-off, or another process's
    # claim on it while it sends it.
    next_attempt_at = models.DateTimeField("next try", db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # Sent and confirmed once; the row waits for the repeat (purging.py).
    sent_once = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        verbose_name = "front-cache purge waiting"
        verbose_name_plural = "front-cache purges waiting"

    def __str__(self):
        what = "every page" if self.all_pages else ", ".join(self.paths[:3])
        return f"Purge of {what} ({self.attempts} attempt(s))"
