"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own background traffic would be refused by this closed network, noisily.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "Debian's chromium is missing: run `scripts/services.sh browser`"
    )
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the test
    # makes around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Chromium reports a blocked script, style or request on the console ("Refused to ...
# because it violates the following Content Security Policy directive"); the
# listener below also reports each securitypolicyviolation event there.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " in " + (event.sourceFile || document.URL) +
    ":" + event.lineNumber);
});
"""


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy violations of every page ``page`` loads."""
    violations: list[str] = []
    page.add_init_script(CSP_LISTENER)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


@pytest.fixture
def page(browser):
    """A Chinese browser tab; the test fails if any page it opened broke the CSP."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], "\n".join(violations)


# -- accessibility: axe-core ----------------------------------------------------------


def axe_path() -> Path:
    """Where ``scripts/services.sh browser`` keeps axe-core (its version is named there)."""
    script = (ROOT / "scripts" / "services.sh").read_text()
    version = re.search(r"^readonly AXE_VERSION=(\S+)$", script, re.M)
    assert version, "scripts/services.sh no longer names AXE_VERSION"
    cache = Path(os.environ.get("TECHMATCH_CACHE", "/var/cache/techmatch"))
    return cache / f"axe-core-{version.group(1)}" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, fetched by ``scripts/services.sh browser`` (never vendored)."""
    path = axe_path()
    assert path.is_file(), (
        f"axe-core is missing ({path}): run `scripts/services.sh browser`"
    )
    return path.read_text()


# Impacts a page must not have (axe's scale: minor, moderate, serious, critical).
AXE_BLOCKING = ("serious", "critical")


def axe_violations(page, source: str) -> list[str]:
    """Serious and critical axe-core violations of the page ``page`` shows, as lines.

    The source is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern: no inline script is added to the page.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate(
        """async () => {
            const found = await window.axe.run(document, {resultTypes: ["violations"]});
            return found.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " +
                    (n.failureSummary || "").replace(/\\s+/g, " ")),
            }));
        }"""
    )
    return [
        f"{page.url}: [{v['impact']}] {v['id']}: {v['help']}\n    "
        + "\n    ".join(v["targets"])
        for v in result
        if v["impact"] in AXE_BLOCKING
    ]
