"""The one page type of the comparison site: an article, as Wagtail's docs model a blog post.

The body is a RichTextField, not a StreamField: MesoGuide's article body is one
flow of prose (headings, paragraphs, lists, links, footnotes), which is what a
rich-text field holds, and what Wagtail's tutorial uses for a post's body. A
StreamField of one rich-text block would show the same bytes and cost Wagtail
more per request (JSON to blocks, a template per block), so this is the
cheaper of the two for Wagtail.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticlePage(Page):
    summary = models.CharField(max_length=300)
    body = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]

    # Served by Page.serve() with the template "guide/article_page.html", which
    # bench/wagtail.py writes from MesoGuide's rendered page at run time.
