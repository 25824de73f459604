from django.core.management.base import BaseCommand

from readership.counting import flush_all


class Command(BaseCommand):
    help = "Move buffered article view counts from the cache into the database (run from cron)."

    def handle(self, *args, **options):
        moved = flush_all()
        self.stdout.write(f"Stored {moved} buffered view(s).")
