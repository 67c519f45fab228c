"""The matcher's panels in a real browser: a visitor follows a related outcome from a
demand's page; the owner reads 为您推荐 on the workbench; axe finds nothing serious."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.roles import Role
from market.models import TechField
from matching.services.proposals import refresh_item
from matching.services.training import train_model
from search.backends import get_backend
from search.sync import drain_all, record_changes
from tests.browser.conftest import axe_violations
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def matched(settings):
    """A firm's battery demand matched with a lab's outcome (embedded search)."""
    settings.SEARCH_BACKEND = "embedded"
    battery_field = TechField.objects.get(code="0603")
    firm = OrganisationFactory(name="储能科技有限公司")
    owner = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=owner, organisation=firm)
    need = DemandFactory(
        published=True,
        organisation=firm,
        title="动力锂电池热失控早期预警技术需求",
        summary="储能电站锂电池包需要热失控早期预警，提前发现电芯温升与产气。",
        keywords=["锂电池", "热失控", "预警", "储能"],
        field=battery_field,
        budget_min_wan=Decimal("50"),
        budget_max_wan=Decimal("150"),
    )
    outcome = OutcomeFactory(
        published=True,
        title="锂电池热失控多参数早期预警系统",
        summary="融合电芯温升、产气与内阻的多参数模型，提前预警锂电池热失控。",
        keywords=["锂电池", "热失控", "早期预警", "储能"],
        field=battery_field,
        price_wan=Decimal("80"),
    )
    record_changes([need.pk, outcome.pk])
    drain_all()
    get_backend().forget_vocabulary()
    train_model(dimensions=2)
    refresh_item(need.pk)
    return owner, need, outcome


def test_matching_panels_lead_a_visitor_and_inform_the_owner(
    live_server, browser, axe_source, matched
):
    owner, need, outcome = matched
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()

    tab.goto(f"{live_server.url}/demands/{need.pk}/")
    related = tab.locator("[data-related]")
    assert related.get_by_role("heading", name="相关成果").is_visible()
    found = axe_violations(tab, axe_source)
    related.get_by_role("link", name=outcome.title).click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == outcome.title

    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("input[name=username]", owner.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()
    tab.goto(f"{live_server.url}/workbench/")
    panel = tab.locator("[data-recommendations]")
    assert panel.get_by_role("heading", name="为您推荐").is_visible()
    assert "匹配度" in panel.inner_text()
    assert panel.locator("mark", has_text="锂电池").first.is_visible()
    found += axe_violations(tab, axe_source)
    context.close()

    assert found == [], "\n".join(found)
