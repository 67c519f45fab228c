"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
