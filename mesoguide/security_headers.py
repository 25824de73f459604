"""Response headers Django does not set itself: Permissions-Policy, and the
Content-Security-Policy with a separate policy for the admin.

Public pages get settings.CONTENT_SECURITY_POLICY unchanged. The Django admin
renders one inline <style> block (the change list without actions); instead of
'unsafe-inline' its policy allows exactly the hashes of the inline styles in
the admin templates.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import django.contrib.admin
from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
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
    return directives


@cache
def _admin_prefix():
    return reverse("admin:index")


@cache
def _policy_header(admin):
    return build_policy(config=admin_policy() if admin else None)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's policy, and the two fixed policies
    built once rather than on every response (it is on the page cache's hot path)."""

    def process_response(self, request, response):
        customised = any(
            getattr(response, attribute, None) is not None
            for attribute in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        ) or (settings.DEBUG and response.status_code in (404, 500))  # Django's debug pages
        if customised or getattr(request, "_csp_nonce", None) or HEADER in response:
            return super().process_response(request, response)
        response[HEADER] = _policy_header(request.path_info.startswith(_admin_prefix()))
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(_admin_prefix()):
            parts.config = parts.config or admin_policy()
        return parts


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
