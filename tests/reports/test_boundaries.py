"""Nothing imports reports but the URL configuration and the REST API's statistics
(the other edge); reports imports no app that sits above it (STYLE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "market", "cms", "search", "matching", "config", "api")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_only_the_url_configuration_and_the_api_import_reports():
    importers = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if any(name.split(".")[0] == "reports" for name in _imports(path))
    )
    # config/urls.py names it as a string in include(); the API serves its figures.
    assert importers == ["api/views/statistics.py"]


def test_reports_imports_market_and_matching_only():
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "reports").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in ("accounts", "cms", "search")
    )
    assert offending == []
