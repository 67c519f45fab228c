"""The statistics pages in Chromium: a manager on a phone reads the dashboard (no
sideways scrolling, charts drawn, the table behind its toggle), the public page on a
desktop; no CSP violation and no serious axe-core finding on either."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, watch_csp
from tests.factories.accounts import PASSWORD
from tests.reports.conftest import cast, deals, market, roles  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PERIOD = "?from=2026-01&to=2026-03"


@pytest.fixture(autouse=True)
def _zone(settings):
    settings.TECHMATCH_ZONE_REGION_CODES = ["320500"]


def _no_sideways_scroll(tab) -> bool:
    return tab.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_manager_reads_the_dashboard_on_a_phone(
    live_server,
    browser,
    cast,  # noqa: F811
    deals,  # noqa: F811
    axe_source,
):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    tab = context.new_page()
    violations = watch_csp(tab)
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("input[name=username]", cast["manager"].email)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()
    tab.goto(f"{live_server.url}/statistics/dashboard/{PERIOD}")
    assert tab.locator("h1").inner_text() == "技术市场统计看板"
    assert tab.locator("svg.chart").count() >= 8
    assert _no_sideways_scroll(tab)
    figure = tab.locator("#figure-contracts_by_month")
    table = figure.locator("table")
    assert not table.is_visible()
    figure.locator("summary").click()
    assert table.is_visible()
    assert "2026-02" in table.inner_text()
    assert axe_violations(tab, axe_source) == []
    tab.screenshot(path="/tmp/st_dashboard_phone.png", full_page=True)
    context.close()
    assert violations == []


def test_public_statistics_on_a_desktop(
    live_server,
    browser,
    deals,  # noqa: F811
    axe_source,
):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 768}
    )
    tab = context.new_page()
    violations = watch_csp(tab)
    tab.goto(f"{live_server.url}/statistics/{PERIOD}")
    assert tab.locator("h1").inner_text() == "技术市场统计"
    assert tab.locator("#figure-public_contracts_by_month svg.chart").count() == 1
    assert axe_violations(tab, axe_source) == []
    tab.screenshot(path="/tmp/st_public_desktop.png", full_page=True)
    context.close()
    assert violations == []
