"""What the editorial team is told: one Notification per person per thing to
act on (shown in the admin under "For you"), and each person's choice of which
kinds also come by e-mail."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """What happened, in the words of the person who must act on it."""

    SUBMITTED = "submitted", "A revision is waiting for your review"
    CHANGES_REQUESTED = "changes_requested", "Changes are requested on your text"
    APPROVED = "approved", "A revision is approved and ready to publish"
    PUBLISHED = "published", "Your text is published or scheduled"
    REVIEW_DUE = "review_due", "An article's periodic review is due"
    NO_MEDICAL_REVIEW = "no_medical_review", "Text is going to readers without a medical review"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only this person's own notifications: the one filter every screen uses."""
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    article = models.ForeignKey(
        "articles.Article", null=True, on_delete=models.CASCADE, related_name="+"
    )
    headline = models.CharField(max_length=300)
    note = models.TextField(blank=True, help_text="The colleague's note, as they wrote it.")
    quote = models.TextField(blank=True, help_text="The passage the note is about, if any.")
    link = models.CharField(max_length=300, help_text="The admin screen to act on, as a path.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Makes repeated sends harmless: one notification per person per key
    # ("event:<id>", "review_due:<article>:<date>", "unreviewed:<revision>").
    key = models.CharField(max_length=120)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self):
        return self.headline


class MailPreference(models.Model):
    """Which kinds of notification a person also gets by e-mail (all, unless switched off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    submitted = models.BooleanField(Kind.SUBMITTED.label, default=True)
    changes_requested = models.BooleanField(Kind.CHANGES_REQUESTED.label, default=True)
    approved = models.BooleanField(Kind.APPROVED.label, default=True)
    published = models.BooleanField(Kind.PUBLISHED.label, default=True)
    review_due = models.BooleanField(Kind.REVIEW_DUE.label, default=True)
    no_medical_review = models.BooleanField(Kind.NO_MEDICAL_REVIEW.label, default=True)

    def __str__(self):
        return f"E-mail choices of {self.user}"

    @staticmethod
    def wants_mail(user, kind):
        preference = MailPreference.objects.filter(user=user).first()
        return preference is None or getattr(preference, kind)
