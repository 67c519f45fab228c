"""The agent's pipeline in a real browser: the agent logs in, opens the pipeline, moves
a signed deal to 技术合同认定登记 by filling the registration fields and pressing the
button, and finds it in that column and on the deal page's timeline. A missing field
is marked on the card and moves nothing. The public statistics page, read by an
anonymous visitor before and after, counts one more registered contract this month."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from market.models import Deal, DealStage
from tests.browser.conftest import axe_violations, watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.deals import deal_at
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "锂电池热失控多参数早期预警系统"


def registered_this_month(page, base: str) -> int:
    """The public statistics page's count of contracts registered this month (its
    table of registered contracts per month, as a screen reader reads it)."""
    page.goto(f"{base}/statistics/")
    month = timezone.localdate().strftime("%Y-%m")
    figure = page.locator("#figure-public_contracts_by_month")
    assert figure.is_visible()
    cells = figure.locator("table tbody tr").evaluate_all(
        """rows => rows.map(row => Array.from(row.cells, cell => cell.textContent.trim()))"""
    )
    counts = [row[1] for row in cells if row and row[0] == month]
    return int(counts[0]) if counts else 0


def test_walkthrough_agent_registers_a_signed_deal_from_the_pipeline(
    live_server, browser, axe_source
):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    agent = UserFactory(roles=[Role.AGENT], display_name="赵经纪")
    outcome = OutcomeFactory(
        title=TITLE, organisation=OrganisationFactory(name="江南理工大学")
    )
    demand = DemandFactory(organisation=OrganisationFactory(name="苏州储能科技"))
    deal = deal_at(
        DealStage.SIGNED, agent=agent, outcome=outcome, demand=demand, contract="120"
    )
    deal_at(DealStage.NEGOTIATION, agent=agent)
    base = live_server.url
    public = browser.new_context(locale="zh-CN")
    visitor = public.new_page()
    before = registered_this_month(visitor, base)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    violations = watch_csp(page)
    log_in(page, base, agent.email)
    page.goto(f"{base}/agents/")
    page.get_by_role("link", name="我的交易管线").first.click()
    page.wait_for_load_state()
    signed = page.locator('section.pipeline-column[data-stage="signed"]')
    card = signed.locator(f"#deal-{deal.pk}")
    assert card.is_visible()
    assert axe_violations(page, axe_source) == []

    # Pressed without the registration number: marked on the card, nothing moved.
    card.get_by_label("登记日期").fill(timezone.localdate().isoformat())
    card.get_by_label("技术交易额（万元）").fill("100")
    card.get_by_role("button", name="登记技术合同认定").click()
    page.wait_for_load_state()
    card = page.locator(f"#deal-{deal.pk}")
    assert "请填写技术合同登记编号。" in card.inner_text()
    assert Deal.objects.get(pk=deal.pk).stage == DealStage.SIGNED

    card.get_by_label("技术合同登记编号").fill("2026320500004321")
    card.get_by_label("登记日期").fill(timezone.localdate().isoformat())
    card.get_by_label("技术交易额（万元）").fill("100")
    card.get_by_role("button", name="登记技术合同认定").click()
    page.wait_for_load_state()
    registered = page.locator('section.pipeline-column[data-stage="registered"]')
    assert registered.locator(f"#deal-{deal.pk}").is_visible()
    assert signed.locator(f"#deal-{deal.pk}").count() == 0
    assert "技术合同认定登记" in page.locator(".messages").inner_text()

    page.locator(f"#deal-{deal.pk} h3 a").click()
    page.wait_for_load_state()
    last = page.locator(".deal-timeline li").last
    assert last.get_attribute("data-to") == DealStage.REGISTERED
    assert "签约 → " in last.inner_text() and "赵经纪" in last.inner_text()
    assert "2026320500004321" in page.content()
    assert axe_violations(page, axe_source) == []

    # On a phone the columns stack: nothing wider than the screen, the button reachable.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/agents/pipeline/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    button = page.locator(f"#deal-{deal.pk}").get_by_role("button", name="开始履行")
    button.scroll_into_view_if_needed()
    assert button.is_visible()
    assert axe_violations(page, axe_source) == []
    context.close()
    assert violations == [], "\n".join(violations)
    deal.refresh_from_db()
    assert deal.stage == DealStage.REGISTERED

    # The public statistics page shows the new registered contract (no names).
    assert registered_this_month(visitor, base) == before + 1
    assert "苏州储能科技" not in visitor.content()
    public.close()
