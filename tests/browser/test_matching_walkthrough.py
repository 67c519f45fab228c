"""An agent reviews a proposal and introduces both owners, in a real browser: the
agent opens the queue, claims the proposal, compares both sides, introduces; each
owner logs in and finds the introduction's conversation."""

from __future__ import annotations

import pytest

from accounts.models import AgentProfile
from accounts.roles import Role
from market.models import TechField
from matching.models import Introduction, ProposalState
from tests.browser.conftest import watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.matching.queue_cast import make_proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMAND = "新能源汽车电池托盘轻量化需求"
OUTCOME = "铝合金电池托盘轻量化工艺"


def _tab(browser, watched):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    watched.append(watch_csp(page))
    return page


def test_walkthrough_agent_claims_compares_and_introduces_both_owners(
    live_server, browser
):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    firm = OrganisationFactory(name="苏州精工有限公司", is_verified=True)
    university = OrganisationFactory(name="江南理工大学", is_verified=True)
    demand = DemandFactory(
        published=True,
        organisation=firm,
        title=DEMAND,
        summary="需要铝合金电池托盘的轻量化工艺，减重百分之二十。",
    )
    outcome = OutcomeFactory(
        published=True,
        organisation=university,
        title=OUTCOME,
        summary="一体化压铸铝合金电池托盘，减重百分之二十五。",
    )
    engineer = UserFactory(roles=[Role.ENTERPRISE], display_name="李工")
    MembershipFactory(user=engineer, organisation=firm)
    researcher = UserFactory(roles=[Role.RESEARCHER], display_name="张教授")
    MembershipFactory(user=researcher, organisation=university)
    agent = UserFactory(roles=[Role.AGENT], display_name="王经纪")
    AgentProfile.objects.create(user=agent).fields.add(
        TechField.objects.get(code="0401")
    )
    proposal = make_proposal(demand, outcome)
    base = live_server.url
    watched: list[list[str]] = []

    # 1. The agent finds the queue from the workspace and claims the proposal.
    broker = _tab(browser, watched)
    log_in(broker, base, agent.email)
    broker.goto(f"{base}/agents/")
    assert "1 条推荐待决定" in broker.content()
    broker.get_by_role("link", name="1 条推荐待决定").click()
    broker.wait_for_load_state()
    row = broker.locator(f"tr[data-proposal='{proposal.pk}']")
    assert DEMAND in row.inner_text() and OUTCOME in row.inner_text()
    row.get_by_role("button", name="认领").click()
    broker.wait_for_load_state()
    assert "您已认领该推荐。" in broker.content()
    proposal.refresh_from_db()
    assert (proposal.state, proposal.claimed_by) == (ProposalState.CLAIMED, agent)

    # 2. Side by side: the shared terms are marked on both sides, the reasons given.
    broker.locator(f"tr[data-proposal='{proposal.pk}']").get_by_role(
        "link", name="对比"
    ).click()
    broker.wait_for_load_state()
    assert broker.locator("main .compare-side mark", has_text="铝合金").count() >= 2
    assert "推荐理由" in broker.content()

    # 3. Accept and introduce; a second click introduces nothing more.
    broker.get_by_role("button", name="接受并引荐").click()
    broker.wait_for_load_state()
    assert "已为双方引荐" in broker.content()
    broker.get_by_role("link", name="打开对话").click()
    broker.wait_for_load_state()
    assert "82 / 100" in broker.locator("main .thread").inner_text()
    introduction = Introduction.objects.get(proposal=proposal)
    conversation = introduction.conversation

    # 4. Each owner logs in and finds the one introduction conversation.
    for user in (engineer, researcher):
        party = _tab(browser, watched)
        log_in(party, base, user.email)
        party.goto(f"{base}/engage/conversations/")
        party.get_by_role("link", name=OUTCOME).click()
        party.wait_for_load_state()
        assert party.url.endswith(f"/engage/conversations/{conversation.pk}/")
        thread = party.locator("main .thread").inner_text()
        assert DEMAND in thread and OUTCOME in thread
        assert "82 / 100" in thread
        party.context.close()

    broker.context.close()
    for violations in watched:
        assert violations == [], "\n".join(violations)
