"""The API is an edge: it imports market, search, matching, reports (and
config.throttle), and nothing of the project imports it but config/urls.py (README,
Architecture)."""

from __future__ import annotations

from pathlib import Path

from tests.market.test_boundaries import _imports

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "market", "cms", "search", "matching", "reports", "config", "bench")
ALLOWED_IN_API = {"api", "market", "search", "matching", "reports", "config"}


def test_nothing_imports_the_api_but_the_url_configuration():
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path != ROOT / "config" / "urls.py"
        for name in _imports(path)
        if name.split(".")[0] == "api"
    )
    assert offending == []


def test_the_api_imports_only_the_apps_it_adapts():
    ours = {
        "accounts",
        "market",
        "cms",
        "search",
        "matching",
        "reports",
        "config",
        "api",
    }
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "api").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in ours - ALLOWED_IN_API
    )
    assert offending == []
