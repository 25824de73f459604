"""A mail backend whose server is down: every send raises."""

from django.core.mail.backends.base import BaseEmailBackend


class DownMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("The mail server is down.")
