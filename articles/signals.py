"""The workflow's domain signal: sent once an editorial action is committed.

Receivers (notifications, for one) learn what happened from the ReviewEvent
the action recorded; they run after the transaction commits, so they never see
an action that was rolled back and can never make it fail.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `event` (the committed ReviewEvent) after each workflow action.
workflow_action_done = Signal()


def send_after_commit(event):
    """Send workflow_action_done for `event` once the current transaction commits."""

    def send():
        for receiver, result in workflow_action_done.send_robust(sender=type(event), event=event):
            if isinstance(result, Exception):
                logger.error(
                    "After %s on article %s, %r failed: %r",
                    event.action,
                    event.article_id,
                    receiver,
                    result,
                    exc_info=result,
                )

    transaction.on_commit(send)
