"""The front-cache purger is infrastructure too: it imports no content app (it purges
the URL paths the page cache announces, pagecache/signals.py)."""

from pathlib import Path

from django.conf import settings

from tests.test_pagecache_knows_no_content import CONTENT_APPS, imported_packages


def test_no_module_of_the_front_cache_purger_imports_a_content_app():
    modules = sorted((Path(settings.BASE_DIR) / "frontcache").rglob("*.py"))
    assert len(modules) > 4
    for module in modules:
        found = set(imported_packages(module)) & CONTENT_APPS
        assert not found, f"{module.name} imports {found}"
