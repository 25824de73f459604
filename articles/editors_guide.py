from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from .rendering import render_markdown


def editors_guide(request):
    """docs/editors.md, rendered inside the admin for the editorial team."""
    text = (settings.BASE_DIR / "docs" / "editors.md").read_text(encoding="utf-8")
    context = {
        **admin.site.each_context(request),
        "title": "Editors’ guide",
        "guide_html": render_markdown(text).html,
    }
    return render(request, "admin/editors_guide.html", context)
