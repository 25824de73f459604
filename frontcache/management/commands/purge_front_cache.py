from django.core.management.base import BaseCommand

from frontcache import purging


class Command(BaseCommand):
    help = (
        "Retry front-cache purges that failed or were never sent. Run it every minute "
        "from cron on one node (beside publish_scheduled); pages are purged at once "
        "when they change, this only catches what went wrong. --all purges every page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Purge every page now (after a release has reached every app server).",
        )

    def handle(self, *args, **options):
        if purging.configured_backend() is None:
            self.stdout.write(
                "No front cache is configured (FRONTEND_CACHE_BACKEND): nothing to do."
            )
            return
        if options["all"]:
            if purging.purge_every_page_now():
                self.stdout.write("Every page was purged from the front cache.")
            else:
                self.stderr.write("The front cache did not confirm; the purge will be retried.")
            return
        purged, sent, dropped = purging.purge_due()
        if sent and not purged:
            self.stderr.write(f"{sent} purge(s) failed again; they will be retried (see the log).")
        else:
            what = "every page" if "all" in purged else f"{len(purged)} path(s)"
            self.stdout.write(f"{sent} purge(s) sent ({what}).")
        if dropped:
            self.stderr.write(f"{dropped} purge(s) dropped: older than CDN_CACHE_SECONDS.")
