from django.core.management.base import BaseCommand

from frontcache.backends import configured_backend
from frontcache.purging import purge_due


class Command(BaseCommand):
    help = (
        "Retry front-cache purges that failed or were never sent. Run it every minute "
        "from cron on one node (beside publish_scheduled); pages are purged at once "
        "when they change, this only catches what went wrong."
    )

    def handle(self, *args, **options):
        if configured_backend() is None:
            self.stdout.write(
                "No front cache is configured (FRONTEND_CACHE_BACKEND): nothing to do."
            )
            return
        purged, sent, dropped = purge_due()
        if sent and not purged:
            self.stderr.write(f"{sent} purge(s) failed again; they will be retried (see the log).")
        else:
            self.stdout.write(
                f"{sent} purge(s) sent ({'every page' if 'all' in purged else f'{len(purged)} path(s)'})."
            )
        if dropped:
            self.stderr.write(f"{dropped} purge(s) dropped: older than CDN_CACHE_SECONDS.")
