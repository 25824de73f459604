"""Rebuild the search index from the live text of every published document."""

from django.core.management.base import BaseCommand

from articles.search_index import _index_changed, rebuild


class Command(BaseCommand):
    help = "Write every search-index entry afresh (after a restore from backup, say)."

    def handle(self, **options):
        count = rebuild()
        _index_changed()
        self.stdout.write(f"The search index holds {count} published documents.")
