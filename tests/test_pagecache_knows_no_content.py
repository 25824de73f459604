"""The page cache is infrastructure: it imports no content app (the apps tell it
what their changes refresh, pagecache/refresh.py)."""

import ast
from pathlib import Path

from django.conf import settings

CONTENT_APPS = {"articles", "discussion", "discovery", "newsletter", "partners", "readership"}


def imported_packages(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant):  # a content app loaded by name
                yield str(argument.value).split(".")[0]


def test_no_module_of_the_page_cache_imports_a_content_app():
    package = Path(settings.BASE_DIR) / "pagecache"
    modules = sorted(package.rglob("*.py"))
    assert modules
    for module in modules:
        found = set(imported_packages(module)) & CONTENT_APPS
        assert not found, f"{module.name} imports {found}"


def test_the_content_apps_are_the_installed_ones():
    installed = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    assert CONTENT_APPS <= installed and "pagecache" in installed


def test_no_module_of_the_image_library_imports_a_content_app():
    # The apps that show pictures tell the library so (images/usage.py).
    package = Path(settings.BASE_DIR) / "images"
    modules = sorted(p for p in package.rglob("*.py") if "migrations" not in p.parts)
    assert modules
    for module in modules:
        found = set(imported_packages(module)) & CONTENT_APPS
        assert not found, f"{module.name} imports {found}"
