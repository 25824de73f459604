"""Response headers Django does not set itself: Permissions-Policy, and the
Content-Security-Policy with a separate policy for the admin.

Public pages get settings.CONTENT_SECURITY_POLICY unchanged. The Django admin
renders one inline <style> block (the change list without actions); instead of
'unsafe-inline' its policy allows exactly the hashes of the inline styles in
the admin templates, and connect-src 'self' for autocomplete fields.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import django.contrib.admin
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse

_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _admin_template_dirs():
    yield Path(django.contrib.admin.__file__).parent / "templates" / "admin"
    yield settings.BASE_DIR / "templates" / "admin"


@cache
def admin_inline_style_hashes():
    """CSP source expressions for every static inline <style> in the admin templates."""
    hashes = set()
    for directory in _admin_template_dirs():
        for template in sorted(directory.rglob("*.html")):
            for block in _INLINE_STYLE.findall(template.read_text(encoding="utf-8")):
                digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
                hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


@cache
def admin_policy():
    directives = {
        key: list(value) for key, value in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
    }
    directives["style-src"] = ["'self'", *admin_inline_style_hashes()]
    directives["connect-src"] = ["'self'"]
    return directives


@cache
def _admin_prefix():
    return reverse("admin:index")


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(_admin_prefix()):
            parts.config = admin_policy()
        return parts


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
