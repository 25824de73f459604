"""Notifications hang off the workflow's domain signal (sent after commit)."""

from django.dispatch import receiver
from django.utils import timezone

from articles.signals import workflow_action_done

from .models import Notification
from .rules import notice_for, unreviewed_notice
from .sending import deliver


@receiver(workflow_action_done, dispatch_uid="notifications.workflow_action_done")
def notify_the_people_who_must_act(sender, event, **kwargs):
    if event.actor_id is not None:
        # Whoever acted on the article has seen it: what told them about it is done.
        Notification.objects.for_user(event.actor).unread().filter(
            article_id=event.article_id
        ).update(read_at=timezone.now())
    notice = notice_for(event)
    if notice is not None:
        deliver(notice, key=f"event:{event.pk}", article=event.article)


@receiver(workflow_action_done, dispatch_uid="notifications.unreviewed_text")
def tell_medical_reviewers_about_unreviewed_text(sender, event, **kwargs):
    # Beside the event's own notice; a receiver of its own, so neither stops the other.
    notice = unreviewed_notice(event)
    if notice is not None:
        deliver(notice, key=f"unreviewed:{event.revision_id}", article=event.article)
