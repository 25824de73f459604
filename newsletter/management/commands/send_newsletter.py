"""Send one newsletter issue, written in Markdown, to confirmed subscribers only."""

from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError

from articles.rendering import MarkdownRefused, render_markdown
from mesoguide.characters import first_unstorable, unstorable_message
from newsletter.mail import build_message
from newsletter.models import Subscriber


class Command(BaseCommand):
    help = "Mail a Markdown file as a newsletter issue to every confirmed subscriber."

    def add_arguments(self, parser):
        parser.add_argument("markdown_file", type=Path)
        parser.add_argument("--subject", required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would get it; send nothing."
        )

    def handle(self, markdown_file, subject, dry_run, **options):
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL so the unsubscribe links in the mail are absolute.")
        try:
            text = markdown_file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{markdown_file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            line = error.object[: error.start].count(b"\n") + 1
            raise CommandError(f"{markdown_file}:{line}: not valid UTF-8 text") from error
        if not subject.strip() or not text.strip():
            raise CommandError("The subject and the Markdown file must not be empty.")
        if len(subject.splitlines()) > 1:  # also stops header injection through \r
            raise CommandError("--subject: one line only (it holds a line break)")
        if unstorable_message(subject):
            raise CommandError(f"--subject: {unstorable_message(subject)}")
        if found := first_unstorable(text):
            line = text.count("\n", 0, found[0]) + 1
            raise CommandError(f"{markdown_file}:{line}: {unstorable_message(text)}")
        try:
            body_html = render_markdown(text).html
        except MarkdownRefused as refused:
            raise CommandError(f"{markdown_file}:{refused.line or 1}: {refused.message}") from None
        subscribers = list(Subscriber.objects.confirmed().order_by("pk"))
        if dry_run:
            self.stdout.write(
                f"Would send “{subject}” to {len(subscribers)} confirmed subscriber(s)."
            )
            return
        context = {"subject": subject, "text": text, "body_html": body_html}
        sent = 0
        with get_connection() as connection:
            for subscriber in subscribers:
                message = build_message(
                    subscriber,
                    subject,
                    "newsletter/email/issue.txt",
                    context,
                    html_template="newsletter/email/issue.html",
                )
                message.connection = connection
                sent += message.send()
        self.stdout.write(f"Sent “{subject}” to {sent} confirmed subscriber(s).")
