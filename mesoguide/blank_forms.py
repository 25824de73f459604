"""Empty public forms (newsletter sign-up, comment), rendered once per process.

Django renders each form field through the template engine, which is a large
share of building an article page, yet an empty form is the same for every
visitor except its CSRF token. The first rendering is kept, split where the
token goes, and every later page joins in its visitor's own token. The copy
depends only on templates and form classes, which change only with a deploy
(a restart), and on the string context values given, which key it.
"""

from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

_TOKEN_MARKER = "blank-form-csrf-token-marker"  # noqa: S105 (a placeholder)


def blank_form(template_name, form_class, csrf_token, form_options=None, **context):
    """`template_name` rendered with an unbound `form_class(**form_options)` and this
    visitor's token.

    `form_options` and `context` values must be strings (e.g. a slug): they key the copy.
    """
    form_options = tuple(sorted((form_options or {}).items()))
    if not csrf_token or str(csrf_token) == "NOTPROVIDED":
        # No token to give (a page rendered without a request): render as is.
        form = form_class(**dict(form_options))
        return render_to_string(template_name, {"form": form, "csrf_token": csrf_token, **context})
    parts = _rendered(template_name, form_class, form_options, tuple(sorted(context.items())))
    return mark_safe(escape(str(csrf_token)).join(parts))  # noqa: S308 (our own rendering)


@lru_cache(maxsize=512)
def _rendered(template_name, form_class, form_options, context_items):
    form = form_class(**dict(form_options))
    html = render_to_string(
        template_name, {"form": form, "csrf_token": _TOKEN_MARKER, **dict(context_items)}
    )
    parts = tuple(html.split(_TOKEN_MARKER))
    if len(parts) != 2:
        raise ValueError(f"{template_name} must hold exactly one {{% csrf_token %}}.")
    return parts
