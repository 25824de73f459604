from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.content_import import ContentError, import_content


class Command(BaseCommand):
    help = (
        "Import topics, people, articles and site pages from Markdown files with front matter. "
        "All or nothing: one bad file aborts the run and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="Files or folders (default: the content folder)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Import files whose article was edited in the admin since the last import.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish changed text of live articles at once instead of leaving it as a draft. "
            "It goes live without review, and the audit log says so.",
        )
        parser.add_argument(
            "--operator",
            help="Who runs the import, for the audit log (default: your login name).",
        )

    def handle(self, *args, paths, force, publish, operator, **options):
        try:
            outcomes = import_content(
                paths or [settings.CONTENT_DIR],
                force=force,
                publish_live=publish,
                operator=operator,
            )
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        styles = {
            "created": self.style.SUCCESS,
            "updated": self.style.SUCCESS,
            "unchanged": str,
            "refused": self.style.WARNING,
        }
        counts = dict.fromkeys(styles, 0)
        for outcome in outcomes:
            counts[outcome.result] += 1
            line = f"{outcome.result:<9} {outcome.path}"
            if outcome.detail:
                line += f"  {outcome.detail}"
            self.stdout.write(styles[outcome.result](line))
        summary = ", ".join(f"{n} {result}" for result, n in counts.items())
        if counts["created"] + counts["updated"] == 0 and not counts["refused"]:
            summary += ". Nothing changed"
        self.stdout.write(f"{summary}.")
