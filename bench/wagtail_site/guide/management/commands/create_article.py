"""Publish one article at /<section>/<slug>/ of the default site, as an editor would.

Reads a JSON file: {"section": {"title", "slug"}, "title", "slug", "summary", "body"}
(body: HTML). The section is a plain Page under the site's root page, the article
an ArticlePage under it; both go through Wagtail's revisions and publishing.
Run again, it replaces both.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from wagtail.models import Page, Site

from guide.models import ArticlePage


class Command(BaseCommand):
    help = "Publish the benchmark's article from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("content", type=Path)

    def handle(self, *args, content, **options):
        data = json.loads(content.read_text())
        home = Site.objects.get(is_default_site=True).root_page
        for old in home.get_children().filter(slug=data["section"]["slug"]):
            old.delete()
        section = home.add_child(
            instance=Page(title=data["section"]["title"], slug=data["section"]["slug"])
        )
        section.save_revision().publish()
        article = section.add_child(
            instance=ArticlePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                body=data["body"],
            )
        )
        article.save_revision().publish()
        self.stdout.write(article.get_url())
