from django.core.management.base import BaseCommand

from articles.workflow import publish_due


class Command(BaseCommand):
    help = (
        "Put scheduled revisions live whose moment has come. Requests do this too; "
        "run it from cron (every minute) so a quiet site switches on time as well."
    )

    def handle(self, *args, **options):
        count = publish_due()
        self.stdout.write(f"{count} scheduled revision(s) went live.")
