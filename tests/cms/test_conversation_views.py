"""Conversation pages: my conversations, a thread for every role, the agents' workspace."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AgentProfile
from accounts.roles import Role
from market.models import (
    AgentNote,
    Confidentiality,
    Conversation,
    ConversationState,
    InterestKind,
    Region,
    Side,
)
from market.services.conversations import claim_conversation, post_message
from market.services.engagement import send_interest_request
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(role_groups):
    listing = OutcomeFactory(published=True, title="铝合金电池托盘轻量化工艺")
    owner = UserFactory(roles=[Role.RESEARCHER], display_name="张教授")
    MembershipFactory(user=owner, organisation=listing.organisation)
    firm = OrganisationFactory(name="苏州精工有限公司", is_verified=True)
    engineer = UserFactory(roles=[Role.ENTERPRISE], display_name="李工")
    MembershipFactory(user=engineer, organisation=firm)
    agent = UserFactory(roles=[Role.AGENT], display_name="王经纪")
    far_agent = UserFactory(roles=[Role.AGENT], display_name="赵经纪")
    AgentProfile.objects.create(user=far_agent).regions.add(
        Region.objects.get(code="110000")
    )
    outsider = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=outsider)
    return {
        "listing": listing,
        "owner": owner,
        "firm": firm,
        "engineer": engineer,
        "agent": agent,
        "far_agent": far_agent,
        "outsider": outsider,
        "moderator": UserFactory(roles=[Role.MODERATOR]),
    }


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def start(cast, listing=None, sender=None) -> Conversation:
    request = send_interest_request(
        (listing or cast["listing"]).pk,
        sender_id=(sender or cast["engineer"]).pk,
        kind=InterestKind.INTEREST,
        answers={"purpose": "新能源汽车电池托盘"},
    )
    return Conversation.objects.get(source="interest", source_id=request.pk)


def thread_url(conversation) -> str:
    return reverse("engage:conversation", args=[conversation.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("engineer", 200),
        ("owner", 200),
        ("agent", 200),
        ("moderator", 200),
        ("far_agent", 404),
        ("outsider", 404),
    ],
)
def test_thread_is_readable_only_by_its_participants(client, cast, who, status):
    conversation = start(cast)
    response = login(client, cast[who]).get(thread_url(conversation))
    assert response.status_code == status
    if status == 200:
        assert "新能源汽车电池托盘" in response.content.decode()


def test_thread_asks_anonymous_visitors_to_log_in(client, cast):
    response = client.get(thread_url(start(cast)))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_claimed_thread_is_closed_to_other_agents(client, cast, role_groups):
    conversation = start(cast)
    other = UserFactory(roles=[Role.AGENT])
    assert login(client, other).get(thread_url(conversation)).status_code == 200
    claim_conversation(conversation.pk, agent_id=cast["agent"].pk)
    assert client.get(thread_url(conversation)).status_code == 404


def test_owner_sees_the_requesters_organisation_and_that_it_is_verified(client, cast):
    conversation = start(cast)
    page = login(client, cast["owner"]).get(thread_url(conversation)).content.decode()
    assert "苏州精工有限公司" in page
    assert "Verified organisation" in page

    cast["firm"].is_verified = False
    cast["firm"].save(update_fields=["is_verified"])
    page = client.get(thread_url(conversation)).content.decode()
    assert "Organisation not verified" in page


def test_requester_of_an_anonymous_listing_sees_the_owner_only_after_the_reply(
    client, cast
):
    listing = cast["listing"]
    listing.confidentiality = Confidentiality.ANONYMOUS
    listing.save(update_fields=["confidentiality"])
    conversation = start(cast)
    name = listing.organisation.name

    login(client, cast["engineer"])
    assert name not in client.get(thread_url(conversation)).content.decode()
    assert name not in client.get(reverse("engage:conversations")).content.decode()

    post_message(conversation.pk, author_id=cast["owner"].pk, body="欢迎来访")
    assert name in client.get(thread_url(conversation)).content.decode()


def test_requester_answers_back_and_the_turn_moves(client, cast):
    conversation = start(cast)
    post_message(conversation.pk, author_id=cast["owner"].pk, body="请问年用量？")
    login(client, cast["engineer"])
    inbox = client.get(reverse("engage:conversations")).content.decode()
    assert "Waiting for you" in inbox

    response = client.post(thread_url(conversation), {"body": "每年约一万件"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.waiting_on == Side.OWNER
    assert conversation.messages.last().body == "每年约一万件"
    assert "每年约一万件" in client.get(thread_url(conversation)).content.decode()


def test_empty_reply_is_refused_and_outsiders_cannot_post(client, cast):
    conversation = start(cast)
    response = login(client, cast["engineer"]).post(thread_url(conversation), {})
    assert response.status_code == 400
    assert conversation.messages.count() == 1
    response = login(client, cast["outsider"]).post(
        thread_url(conversation), {"body": "插话"}
    )
    assert response.status_code == 404
    assert conversation.messages.count() == 1


def test_close_with_a_reason_code_and_reopen(client, cast):
    conversation = start(cast)
    login(client, cast["owner"])
    url = reverse("engage:conversation_close", args=[conversation.pk])
    assert client.post(url, {"reason": "nonsense"}).status_code == 400
    response = client.post(url, {"reason": "other"})
    assert response.status_code == 400
    assert "Say why you close the conversation." in response.content.decode()
    assert client.post(url, {"reason": "deal_reached"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.CLOSED
    assert conversation.close_reason == "deal_reached"
    assert "Deal reached" in client.get(thread_url(conversation)).content.decode()

    client.post(reverse("engage:conversation_reopen", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.OPEN


def test_agent_claims_from_the_workspace_and_keeps_private_notes(client, cast):
    conversation = start(cast)
    login(client, cast["agent"])
    workspace = client.get(reverse("agents:workspace")).content.decode()
    assert cast["listing"].title in workspace
    assert "No agent yet" in workspace

    client.post(reverse("engage:conversation_claim", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.agent == cast["agent"]

    note_url = reverse("engage:conversation_note", args=[conversation.pk])
    assert client.post(note_url, {"body": "企业资质已核实"}).status_code == 302
    assert "企业资质已核实" in client.get(thread_url(conversation)).content.decode()

    # The other sides never see the note, nor may they write one.
    for who in ("owner", "engineer"):
        login(client, cast[who])
        assert (
            "企业资质已核实"
            not in client.get(thread_url(conversation)).content.decode()
        )
        assert client.post(note_url, {"body": "我也写"}).status_code == 404
    assert AgentNote.objects.count() == 1


def test_workspace_lists_covered_conversations_unclaimed_first(client, cast):
    first = start(cast)
    second_listing = OutcomeFactory(published=True, title="高强钢热成形")
    second = start(cast, listing=second_listing)
    claim_conversation(first.pk, agent_id=cast["agent"].pk)

    page = login(client, cast["agent"]).get(reverse("agents:workspace"))
    text = page.content.decode()
    assert text.index("高强钢热成形") < text.index(cast["listing"].title)

    # The Beijing agent covers neither (both listings are in Suzhou).
    text = login(client, cast["far_agent"]).get(reverse("agents:workspace"))
    assert "高强钢热成形" not in text.content.decode()
    assert second.pk  # still there, just not theirs


@pytest.mark.parametrize("who", ["owner", "engineer", "outsider"])
def test_workspace_is_for_agents_only(client, cast, who):
    assert login(client, cast[who]).get(reverse("agents:workspace")).status_code == 404


def test_workspace_takes_a_malformed_state_calmly(client, cast):
    start(cast)
    response = login(client, cast["agent"]).get(
        reverse("agents:workspace"), {"state": ["x", "closed"], "page": "%%"}
    )
    assert response.status_code == 200


def test_inbox_and_workspace_queries_do_not_grow_with_conversations(
    client, cast, django_assert_max_num_queries, role_groups
):
    for _ in range(3):
        sender = UserFactory(roles=[Role.ENTERPRISE])
        MembershipFactory(user=sender)
        start(cast, sender=sender)
    login(client, cast["owner"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("engage:conversations"))
    login(client, cast["agent"])
    # 14: the matcher's panel adds the agent's memberships and the pending count;
    # 15: its open challenges' solver links.
    with django_assert_max_num_queries(15) as few_workspace:
        client.get(reverse("agents:workspace"))

    for _ in range(12):
        sender = UserFactory(roles=[Role.ENTERPRISE])
        MembershipFactory(user=sender)
        start(cast, sender=sender)
    login(client, cast["owner"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("engage:conversations"))
    assert page.content.decode().count('class="card conversation-row') == 15
    login(client, cast["agent"])
    with django_assert_max_num_queries(len(few_workspace.captured_queries)):
        page = client.get(reverse("agents:workspace"))
    assert page.content.decode().count('class="card conversation-row') == 15


def test_replies_count_against_the_message_budget_and_keep_the_text(
    client, cast, settings
):
    settings.THROTTLE_MESSAGES_ACCOUNT = (2, 3600)
    conversation = start(cast)
    login(client, cast["owner"])
    assert client.post(thread_url(conversation), {"body": "第一条"}).status_code == 302
    assert client.post(thread_url(conversation), {"body": "第二条"}).status_code == 302
    refused = client.post(thread_url(conversation), {"body": "第三条"})
    assert refused.status_code == 429
    assert "You have sent many messages in a short time." in refused.content.decode()
    assert "第三条" in refused.content.decode()  # the text is kept in the form
    assert not conversation.messages.filter(body="第三条").exists()


def test_duplicate_reply_is_refused_without_using_the_budget(client, cast, settings):
    settings.THROTTLE_MESSAGES_ACCOUNT = (2, 3600)
    conversation = start(cast)
    login(client, cast["owner"])
    assert client.post(thread_url(conversation), {"body": "同一句"}).status_code == 302
    again = client.post(thread_url(conversation), {"body": "同一句"})
    assert again.status_code == 400
    assert "You already sent this message" in again.content.decode()
    assert client.post(thread_url(conversation), {"body": "另一句"}).status_code == 302
    assert conversation.messages.filter(body="同一句").count() == 1
