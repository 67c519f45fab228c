"""A firm engineer's request becomes a three-way conversation the agent answers, in a
real browser: the engineer asks, the agent claims and answers, the owner replies, the
engineer answers back."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from market.models import Conversation, Side
from tests.browser.conftest import watch_csp
from tests.browser.test_catalogue_walkthrough import log_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "铝合金电池托盘轻量化工艺"


def _tab(browser, watched):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    watched.append(watch_csp(page))
    return page


def test_walkthrough_firm_request_becomes_a_three_way_conversation(
    live_server, browser
):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    university = OrganisationFactory(name="江南理工大学", is_verified=True)
    listing = OutcomeFactory(published=True, title=TITLE, organisation=university)
    researcher = UserFactory(roles=[Role.RESEARCHER], display_name="张教授")
    MembershipFactory(user=researcher, organisation=university)
    firm = OrganisationFactory(name="苏州精工有限公司", is_verified=True)
    engineer = UserFactory(roles=[Role.ENTERPRISE], display_name="李工")
    MembershipFactory(user=engineer, organisation=firm)
    agent = UserFactory(roles=[Role.AGENT], display_name="王经纪")
    base = live_server.url
    watched: list[list[str]] = []

    # 1. The firm engineer sends "I'm interested" from the listing's page.
    buyer = _tab(browser, watched)
    log_in(buyer, base, engineer.email)
    buyer.goto(f"{base}/outcomes/{listing.pk}/")
    buyer.get_by_role("link", name="我有意向").first.click()
    buyer.wait_for_load_state()
    buyer.locator("main textarea[name=purpose]").fill("新能源汽车电池托盘")
    buyer.locator("main textarea[name=message]").fill("能否三月到实验室参观？")
    buyer.locator("main form button[type=submit]").click()
    buyer.wait_for_load_state()
    conversation = Conversation.objects.get(listing=listing)
    assert conversation.requester == engineer

    # 2. The agent finds it in the workspace, unclaimed, claims it and answers.
    broker = _tab(browser, watched)
    log_in(broker, base, agent.email)
    broker.goto(f"{base}/agents/")
    broker.get_by_role("link", name=TITLE).click()
    broker.wait_for_load_state()
    broker.get_by_role("button", name="认领此对话").click()
    broker.wait_for_load_state()
    broker.locator("main textarea[name=body]").first.fill("我来协调，请双方确认时间。")
    broker.get_by_role("button", name="发送").click()
    broker.wait_for_load_state()
    conversation.refresh_from_db()
    assert conversation.agent == agent

    # 3. The owner sees who asks (verified firm) and replies in the thread.
    owner = _tab(browser, watched)
    log_in(owner, base, researcher.email)
    owner.goto(f"{base}/engage/conversations/")
    assert "等待您回复" in owner.content()
    owner.get_by_role("link", name=TITLE).click()
    owner.wait_for_load_state()
    assert "苏州精工有限公司" in owner.content()
    assert "已认证机构" in owner.content()
    owner.locator("main textarea[name=body]").first.fill("欢迎三月五日来访。")
    owner.get_by_role("button", name="发送").click()
    owner.wait_for_load_state()

    # 4. The engineer reads both answers and answers back.
    buyer.goto(f"{base}/engage/conversations/")
    buyer.get_by_role("link", name=TITLE).click()
    buyer.wait_for_load_state()
    thread = buyer.locator("main .thread").inner_text()
    assert "我来协调，请双方确认时间。" in thread
    assert "欢迎三月五日来访。" in thread
    buyer.locator("main textarea[name=body]").first.fill("好的，三月五日见。")
    buyer.get_by_role("button", name="发送").click()
    buyer.wait_for_load_state()

    assert [m.side for m in conversation.messages.order_by("pk")] == [
        Side.REQUESTER,
        Side.SYSTEM,
        Side.AGENT,
        Side.OWNER,
        Side.REQUESTER,
    ]
    # The agent heard of every reply in the site.
    broker.goto(f"{base}/accounts/notifications/")
    assert broker.content().count(TITLE) >= 2
    for tab in (buyer, broker, owner):
        tab.context.close()
    for violations in watched:
        assert violations == [], "\n".join(violations)
