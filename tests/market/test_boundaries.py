"""market imports none of accounts, cms, search or matching (STYLE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

MARKET = Path(__file__).resolve().parents[2] / "market"
FORBIDDEN = ("accounts", "cms", "search", "matching")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_market_imports_no_other_app_of_the_project():
    offending = sorted(
        f"{path.relative_to(MARKET.parent)}: {name}"
        for path in MARKET.rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    )
    assert offending == []


def test_market_follows_no_reverse_relation_accounts_defines():
    # ``user.memberships`` belongs to accounts: the market asks market.membership.
    offending = sorted(
        str(path.relative_to(MARKET.parent))
        for path in MARKET.rglob("*.py")
        if ".memberships." in path.read_text(encoding="utf-8")
    )
    assert offending == []
