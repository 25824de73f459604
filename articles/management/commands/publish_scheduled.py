from django.core.management.base import BaseCommand

from articles.next_moment import forget_next_moment
from articles.scheduling import publish_if_due


class Command(BaseCommand):
    help = (
        "Apply scheduled moments that have come: revisions go live, and pages of "
        "documents published or unpublished by the clock are refreshed. Requests do "
        "this too; run it from cron (every minute) so a quiet site switches on time as well."
    )

    def handle(self, *args, **options):
        forget_next_moment()  # ask the database, not the kept answer
        count = publish_if_due()
        self.stdout.write(f"{count} scheduled revision(s) went live.")
