"""Notifications hang off the workflow's domain signal (sent after commit)."""

from django.dispatch import receiver

from articles.signals import workflow_action_done

from .rules import notice_for
from .sending import deliver


@receiver(workflow_action_done, dispatch_uid="notifications.workflow_action_done")
def notify_the_people_who_must_act(sender, event, **kwargs):
    notice = notice_for(event)
    if notice is not None:
        deliver(notice, key=f"event:{event.pk}", article=event.article)
