"""Both parties answer an introduction in a real browser: the demand's member accepts,
the outcome's member declines with a reason, the agent reads both in the thread."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from matching.models import DeclineReason, GapReason, IntroductionResponse, MatchGap
from tests.browser.conftest import axe_violations, watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.factories.introductions import ProposalFactory, introduce

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMAND = "储能电站锂电池热失控预警需求"
OUTCOME = "锂电池热失控多参数早期预警系统"


def _tab(browser, watched):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    watched.append(watch_csp(page))
    return page


def test_walkthrough_parties_answer_an_introduction(live_server, browser, axe_source):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    firm = OrganisationFactory(name="苏州储能科技有限公司")
    lab = OrganisationFactory(name="江南大学储能实验室")
    buyer_user = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=buyer_user, organisation=firm)
    seller_user = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=seller_user, organisation=lab)
    agent = UserFactory(roles=[Role.AGENT], display_name="王经纪")
    proposal = ProposalFactory(
        demand__organisation=firm,
        demand__title=DEMAND,
        outcome__organisation=lab,
        outcome__title=OUTCOME,
    )
    introduction = introduce(proposal, agent=agent, requester=buyer_user)
    MatchGap.objects.create(
        demand=DemandFactory(published=True, title="寻求先进技术合作"),
        reason=GapReason.VAGUE_TEXT,
        noted_at=timezone.now(),
    )
    base = live_server.url
    thread = f"{base}/engage/conversations/{introduction.conversation_id}/"
    watched: list[list[str]] = []

    # 1. The demand's member sees the pairing and accepts.
    buyer = _tab(browser, watched)
    log_in(buyer, base, buyer_user.email)
    buyer.goto(thread)
    panel = buyer.locator("main .introduction-panel")
    assert DEMAND in panel.inner_text() and OUTCOME in panel.inner_text()
    assert axe_violations(buyer, axe_source) == []
    buyer.get_by_label("接受引荐").check()
    buyer.get_by_role("button", name="发送回复").click()
    buyer.wait_for_load_state()
    assert "您已接受此次引荐。" in buyer.content()
    assert "需求方已接受此次引荐。" in buyer.locator("main .thread").inner_text()
    assert buyer.get_by_role("button", name="发送回复").count() == 0

    # 2. The outcome's member declines with a reason code and a note.
    seller = _tab(browser, watched)
    log_in(seller, base, seller_user.email)
    seller.goto(thread)
    seller.get_by_label("拒绝", exact=True).check()
    seller.locator("main .introduction-panel select[name=reason]").select_option(
        DeclineReason.NOT_NOW
    )
    seller.locator("main .introduction-panel textarea[name=note]").fill("明年再谈")
    seller.get_by_role("button", name="发送回复").click()
    seller.wait_for_load_state()
    assert "您已拒绝此次引荐。" in seller.content()

    introduction.refresh_from_db()
    assert introduction.demand_response == IntroductionResponse.ACCEPTED
    assert introduction.outcome_response == IntroductionResponse.DECLINED
    assert introduction.outcome_reason == DeclineReason.NOT_NOW

    # 3. The agent reads both answers, was told, and finds the needs-an-agent list.
    broker = _tab(browser, watched)
    log_in(broker, base, agent.email)
    broker.goto(thread)
    text = broker.locator("main").inner_text()
    assert "时机不合适（not_now）" in text and "明年再谈" in text
    broker.goto(f"{base}/accounts/notifications/")
    assert broker.content().count(OUTCOME) >= 2
    broker.goto(f"{base}/agents/")
    broker.get_by_role("link", name="需要技术经理人跟进的需求").click()
    broker.wait_for_load_state()
    broker.get_by_role("button", name="认领 寻求先进技术合作").click()
    broker.wait_for_load_state()
    assert "由您认领" in broker.content()
    assert axe_violations(broker, axe_source) == []
    broker.goto(f"{base}/agents/matching/decisions/")
    assert axe_violations(broker, axe_source) == []

    for tab in (buyer, seller, broker):
        tab.context.close()
    for violations in watched:
        assert violations == [], "\n".join(violations)
