from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from .rendering import render_markdown

# docs/editors.md ends with notes for the people who run the site (commands,
# settings, module paths): the guide inside the admin stops before them.
OPERATORS_HEADING = "\n## For operators"


def editors_guide(request):
    """docs/editors.md up to its operators' part, rendered inside the admin for the editorial team."""
    text = (settings.BASE_DIR / "docs" / "editors.md").read_text(encoding="utf-8")
    text = text.split(OPERATORS_HEADING, 1)[0]
    context = {
        **admin.site.each_context(request),
        "title": "Editors’ guide",
        "guide_html": render_markdown(text).html,
    }
    return render(request, "admin/editors_guide.html", context)
