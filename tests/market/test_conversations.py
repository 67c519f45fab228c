"""Conversations: started by requests, written in by every side, claimed, closed, noted."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from accounts.models import AgentProfile, Notification, NotificationKind
from accounts.roles import Role
from market.models import (
    AgentNote,
    CloseReason,
    Confidentiality,
    Conversation,
    ConversationSource,
    ConversationState,
    InterestKind,
    Region,
    Side,
    TechField,
)
from market.permissions import conversation_side
from market.services.conversations import (
    ConversationError,
    add_agent_note,
    claim_conversation,
    close_conversation,
    post_message,
    reopen,
    start_conversation,
)
from market.services.engagement import (
    answer_interest_request,
    decide_access_request,
    request_protected_details,
    send_interest_request,
)
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(role_groups):
    """A listing in 金属材料 / 苏州, its owner, a firm engineer, agents and outsiders."""
    listing = OutcomeFactory(published=True, protected_details="工艺参数")
    owner = UserFactory(roles=[Role.RESEARCHER], email="owner@example.cn")
    colleague = UserFactory(roles=[Role.RESEARCHER], email="colleague@example.cn")
    MembershipFactory(user=owner, organisation=listing.organisation)
    MembershipFactory(user=colleague, organisation=listing.organisation)
    firm = OrganisationFactory(name="苏州精工有限公司", is_verified=True)
    engineer = UserFactory(roles=[Role.ENTERPRISE], email="engineer@example.cn")
    MembershipFactory(user=engineer, organisation=firm)
    agent = UserFactory(roles=[Role.AGENT], email="agent@example.cn")
    # Covers 新材料 (the listing's parent field) in 江苏省 (its province).
    covering = AgentProfile.objects.create(user=agent)
    covering.fields.add(TechField.objects.get(code="04"))
    covering.regions.add(Region.objects.get(code="320000"))
    elsewhere = UserFactory(roles=[Role.AGENT], email="far@example.cn")
    far = AgentProfile.objects.create(user=elsewhere)
    far.regions.add(Region.objects.get(code="110000"))  # 北京市
    outsider = UserFactory(roles=[Role.ENTERPRISE], email="outsider@example.cn")
    MembershipFactory(user=outsider)
    return {
        "listing": listing,
        "owner": owner,
        "colleague": colleague,
        "firm": firm,
        "engineer": engineer,
        "agent": agent,
        "far_agent": elsewhere,
        "outsider": outsider,
        "moderator": UserFactory(roles=[Role.MODERATOR], email="mod@example.cn"),
    }


def _interest(cast, **extra) -> Conversation:
    request = send_interest_request(
        cast["listing"].pk,
        sender_id=cast["engineer"].pk,
        kind=InterestKind.INTEREST,
        answers={"purpose": "电池托盘", "scale": "中试"},
        message="能否三月参观实验室？",
        **extra,
    )
    return Conversation.objects.get(source_id=request.pk, source="interest")


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_interest_request_opens_a_conversation_with_the_request_as_first_message(
    cast,
):
    conversation = _interest(cast)

    assert conversation.source == ConversationSource.INTEREST
    assert conversation.requester == cast["engineer"]
    assert conversation.requester_organisation == cast["firm"]
    assert conversation.owner_organisation_id == cast["listing"].organisation_id
    assert conversation.state == ConversationState.OPEN
    assert conversation.waiting_on == Side.OWNER
    [first] = conversation.messages.all()
    assert first.side == Side.REQUESTER
    assert "电池托盘" in first.body and "能否三月参观实验室？" in first.body


def test_three_way_conversation_notifies_the_other_sides_of_every_message(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    conversation = _interest(cast)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        claim_conversation(conversation.pk, agent_id=cast["agent"].pk)
    mail.outbox.clear()
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        post_message(conversation.pk, author_id=cast["owner"].pk, body="欢迎参观")
    assert _kinds(cast["engineer"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert _kinds(cast["agent"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert _kinds(cast["colleague"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert _kinds(cast["owner"]) == []  # the author
    assert _kinds(cast["far_agent"]) == []  # not in this conversation
    assert "欢迎参观" in next(
        m.body for m in mail.outbox if m.to == ["engineer@example.cn"]
    )

    # The requester can answer back, and the owner and the agent hear it.
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        post_message(
            conversation.pk, author_id=cast["engineer"].pk, body="三月五日可以"
        )
    assert _kinds(cast["owner"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert _kinds(cast["agent"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert _kinds(cast["engineer"]) == []

    conversation.refresh_from_db()
    assert conversation.waiting_on == Side.OWNER
    assert [m.side for m in conversation.messages.all()] == [
        Side.REQUESTER,
        Side.SYSTEM,  # the agent joined
        Side.OWNER,
        Side.REQUESTER,
    ]


def test_turn_moves_between_requester_and_owner(cast):
    conversation = _interest(cast)
    post_message(conversation.pk, author_id=cast["owner"].pk, body="请问用量？")
    conversation.refresh_from_db()
    assert conversation.waiting_on == Side.REQUESTER
    assert conversation.owner_replied_at is not None
    post_message(conversation.pk, author_id=cast["engineer"].pk, body="每年一万件")
    conversation.refresh_from_db()
    assert conversation.waiting_on == Side.OWNER


def test_unclaimed_conversation_reaches_only_the_covering_agents(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _interest(cast)
    assert _kinds(cast["agent"]) == [NotificationKind.INTEREST_RECEIVED]
    assert _kinds(cast["far_agent"]) == []


def test_every_role_reads_only_what_it_takes_part_in(cast):
    conversation = _interest(cast)
    side = {
        name: conversation_side(cast[name], conversation)
        for name in (
            "engineer",
            "owner",
            "colleague",
            "agent",
            "far_agent",
            "outsider",
            "moderator",
        )
    }
    assert side == {
        "engineer": Side.REQUESTER,
        "owner": Side.OWNER,
        "colleague": Side.OWNER,
        "agent": Side.AGENT,  # covers the field and region while unclaimed
        "far_agent": None,
        "outsider": None,
        "moderator": Side.MODERATOR,
    }
    with pytest.raises(PermissionDenied):
        post_message(conversation.pk, author_id=cast["outsider"].pk, body="插一句")
    with pytest.raises(PermissionDenied):
        post_message(conversation.pk, author_id=cast["far_agent"].pk, body="插一句")


def test_claimed_conversation_is_closed_to_the_other_agents(cast, role_groups):
    conversation = _interest(cast)
    colleague_agent = UserFactory(roles=[Role.AGENT])  # no coverage: covers all
    assert conversation_side(colleague_agent, conversation) == Side.AGENT

    claim_conversation(conversation.pk, agent_id=cast["agent"].pk)
    conversation.refresh_from_db()
    assert conversation.agent == cast["agent"]
    assert conversation_side(colleague_agent, conversation) is None
    with pytest.raises(ConversationError) as error:
        claim_conversation(conversation.pk, agent_id=colleague_agent.pk)
    assert error.value.code == "claimed"


def test_only_covering_agents_claim(cast):
    conversation = _interest(cast)
    with pytest.raises(PermissionDenied):
        claim_conversation(conversation.pk, agent_id=cast["far_agent"].pk)
    with pytest.raises(PermissionDenied):
        claim_conversation(conversation.pk, agent_id=cast["owner"].pk)
    with pytest.raises(PermissionDenied):
        claim_conversation(conversation.pk, agent_id=cast["engineer"].pk)


def test_close_needs_a_reason_and_reopen_lets_everyone_write_again(cast):
    conversation = _interest(cast)
    with pytest.raises(ConversationError) as error:
        close_conversation(conversation.pk, by_user_id=cast["owner"].pk, reason="bored")
    assert error.value.code == "reason_required"
    with pytest.raises(ConversationError) as error:
        close_conversation(
            conversation.pk, by_user_id=cast["owner"].pk, reason=CloseReason.OTHER
        )
    assert error.value.code == "note_required"

    close_conversation(
        conversation.pk,
        by_user_id=cast["owner"].pk,
        reason=CloseReason.DEAL_REACHED,
        note="已签订许可合同",
    )
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.CLOSED
    assert conversation.close_reason == CloseReason.DEAL_REACHED
    assert conversation.waiting_on == ""
    with pytest.raises(ConversationError) as error:
        post_message(conversation.pk, author_id=cast["engineer"].pk, body="还在吗")
    assert error.value.code == "closed"
    with pytest.raises(PermissionDenied):
        close_conversation(
            conversation.pk,
            by_user_id=cast["outsider"].pk,
            reason=CloseReason.DUPLICATE,
        )

    reopen(conversation.pk, by_user_id=cast["engineer"].pk)
    post_message(conversation.pk, author_id=cast["engineer"].pk, body="还在吗")
    conversation.refresh_from_db()
    assert conversation.is_open and conversation.close_reason == ""


def test_duplicate_messages_are_refused(cast, settings):
    settings.THROTTLE_DUPLICATE_WINDOW = 600
    conversation = _interest(cast)
    post_message(conversation.pk, author_id=cast["owner"].pk, body="可以参观")
    with pytest.raises(ConversationError) as error:
        post_message(conversation.pk, author_id=cast["owner"].pk, body="可以参观")
    assert error.value.code == "duplicate"
    assert conversation.messages.filter(body="可以参观").count() == 1


def test_messages_are_plain_text_without_control_characters(cast):
    conversation = _interest(cast)
    message = post_message(
        conversation.pk,
        author_id=cast["owner"].pk,
        body="  好的\x00\u202e<b>粗体</b>\r\n第二行  ",
    )
    assert message.body == "好的<b>粗体</b>\n第二行"
    with pytest.raises(ConversationError):
        post_message(conversation.pk, author_id=cast["owner"].pk, body=" \x07 ")


def test_agent_notes_are_for_agents_only(cast):
    conversation = _interest(cast)
    add_agent_note(conversation.pk, agent_id=cast["agent"].pk, body="企业资质良好")
    add_agent_note(conversation.pk, agent_id=cast["moderator"].pk, body="已核实")
    for name in ("owner", "engineer", "far_agent"):
        with pytest.raises(PermissionDenied):
            add_agent_note(conversation.pk, agent_id=cast[name].pk, body="看看")
    assert AgentNote.objects.filter(conversation=conversation).count() == 2


def test_owner_answer_and_protected_details_decisions_land_in_the_thread(cast):
    request = send_interest_request(
        cast["listing"].pk,
        sender_id=cast["engineer"].pk,
        kind=InterestKind.INFORMATION,
        answers={},
        message="价格？",
    )
    answer_interest_request(request.pk, by_user_id=cast["owner"].pk, reply="面议")
    conversation = Conversation.objects.get(source="interest", source_id=request.pk)
    assert [(m.side, m.body) for m in conversation.messages.all()][-1] == (
        Side.OWNER,
        "面议",
    )

    access, _created = request_protected_details(
        cast["listing"].pk,
        requester_id=cast["engineer"].pk,
        accepted_note=True,
        message="",
    )
    decide_access_request(access.pk, by_user_id=cast["owner"].pk, grant=True)
    thread = Conversation.objects.get(source="protected_details", source_id=access.pk)
    assert thread.source == ConversationSource.PROTECTED_DETAILS
    assert [m.side for m in thread.messages.all()] == [Side.REQUESTER, Side.SYSTEM]


def test_introduction_is_the_same_kind_of_conversation(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    demand = DemandFactory(published=True)
    with django_capture_on_commit_callbacks(execute=True):
        conversation, created = start_conversation(
            source=ConversationSource.INTRODUCTION,
            listing_id=cast["listing"].pk,
            other_listing_id=demand.pk,
            requester_id=cast["engineer"].pk,
            first_message="两者匹配度高，建议联系。",
            author_side=Side.AGENT,
            author_id=cast["agent"].pk,
            agent_id=cast["agent"].pk,
        )
    assert created
    assert conversation.other_listing_id == demand.pk
    assert conversation.agent == cast["agent"]
    assert _kinds(cast["owner"]) == [NotificationKind.CONVERSATION_STARTED]
    assert _kinds(cast["engineer"]) == [NotificationKind.CONVERSATION_STARTED]
    assert _kinds(cast["agent"]) == []  # who wrote it


def test_starting_twice_from_one_source_returns_the_same_conversation(cast):
    request = send_interest_request(
        cast["listing"].pk,
        sender_id=cast["engineer"].pk,
        kind=InterestKind.INTEREST,
        answers={"purpose": "托盘"},
    )
    again, created = start_conversation(
        source=ConversationSource.INTEREST,
        started_by=request,
        listing_id=cast["listing"].pk,
        requester_id=cast["engineer"].pk,
        first_message="再来一次",
    )
    assert not created
    assert Conversation.objects.filter(source_id=request.pk).count() == 1
    assert again.messages.count() == 1


def test_anonymous_listing_reveals_its_owner_to_the_requester_only_after_a_reply(
    cast,
):
    from market.permissions import owner_visible_to

    cast["listing"].confidentiality = Confidentiality.ANONYMOUS
    cast["listing"].save(update_fields=["confidentiality"])
    conversation = _interest(cast)
    assert cast["listing"].owner_hidden
    assert not owner_visible_to(cast["engineer"], conversation, Side.REQUESTER)
    post_message(conversation.pk, author_id=cast["agent"].pk, body="我来协调")
    conversation.refresh_from_db()
    assert not owner_visible_to(cast["engineer"], conversation, Side.REQUESTER)
    post_message(conversation.pk, author_id=cast["owner"].pk, body="您好")
    conversation.refresh_from_db()
    assert owner_visible_to(cast["engineer"], conversation, Side.REQUESTER)


def test_message_emails_respect_the_recipients_preference(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    from accounts.notifications import send_pending_emails

    cast["engineer"].email_conversation_messages = False
    cast["engineer"].save(update_fields=["email_conversation_messages"])
    conversation = _interest(cast)
    mail.outbox.clear()
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        post_message(conversation.pk, author_id=cast["owner"].pk, body="欢迎参观")

    # In the site as always; by email only to those who want it.
    assert _kinds(cast["engineer"]) == [NotificationKind.CONVERSATION_MESSAGE]
    assert {m.to[0] for m in mail.outbox} == {
        "colleague@example.cn",
        "agent@example.cn",
    }
    # Nor does the sweep for lost emails send it later.
    import datetime as dt

    from django.utils import timezone

    assert send_pending_emails(now=timezone.now() + dt.timedelta(minutes=10)) == 0
    assert "engineer@example.cn" not in {m.to[0] for m in mail.outbox}
