"""The agents' decisions on a proposal: every action, its states, reason codes,
permissions for every role, the introduction with its conversation and notifications."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from accounts.models import Notification, NotificationKind
from accounts.services.roles import sync_role_groups
from market.models import Conversation, ListingStatus, Outcome, Side
from market.permissions import conversation_side
from market.services.conversations import post_message
from matching.models import (
    Decision,
    DecisionAction,
    Introduction,
    Proposal,
    ProposalState,
    RejectReason,
)
from matching.selectors import (
    OPEN,
    QueueFilters,
    pending_count,
    reviewable_proposals,
)
from matching.services.decisions import (
    AlreadyDone,
    DecisionError,
    claim_proposal,
    introduce,
    reject_proposal,
    release_proposal,
    release_stale_claims,
    snooze_proposal,
)
from tests.matching.queue_cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(db):
    sync_role_groups()
    return make_cast()


def _reload(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def test_claim_proposal_marks_it_claimed_and_records_the_labelled_decision(cast):
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)

    proposal = _reload(proposal)
    assert proposal.state == ProposalState.CLAIMED
    assert proposal.claimed_by == cast["agent"]
    decision = Decision.objects.get(proposal=proposal)
    assert decision.action == DecisionAction.CLAIM
    assert decision.agent == cast["agent"]
    assert decision.score == pytest.approx(0.82)
    assert decision.components["semantic"] == pytest.approx(0.9)
    assert (decision.engine_version, decision.model_version) == ("e1", "lsa-test")


def test_claim_proposal_twice_is_a_no_op_and_another_agent_is_refused(cast, db):
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    with pytest.raises(AlreadyDone):
        claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    other = make_cast_agent()
    with pytest.raises(DecisionError) as refused:
        claim_proposal(proposal.pk, agent_id=other.pk)
    assert refused.value.code == "claimed"
    assert Decision.objects.filter(proposal=proposal).count() == 1


def make_cast_agent():
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.AGENT])


def test_release_proposal_puts_it_back_in_the_queue(cast):
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    release_proposal(proposal.pk, agent_id=cast["agent"].pk)

    proposal = _reload(proposal)
    assert proposal.state == ProposalState.PROPOSED
    assert proposal.claimed_by is None
    assert list(
        Decision.objects.filter(proposal=proposal).values_list("action", flat=True)
    ) == [DecisionAction.CLAIM, DecisionAction.RELEASE]
    with pytest.raises(AlreadyDone):
        release_proposal(proposal.pk, agent_id=cast["agent"].pk)


def test_release_proposal_of_another_agents_claim_is_refused_but_a_moderator_may(
    cast,
):
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    with pytest.raises(DecisionError):
        release_proposal(proposal.pk, agent_id=make_cast_agent().pk)
    release_proposal(proposal.pk, agent_id=cast["moderator"].pk)
    assert _reload(proposal).state == ProposalState.PROPOSED


@pytest.mark.parametrize("reason", RejectReason.values)
def test_reject_proposal_stores_every_reason_code(cast, reason):
    proposal = cast["proposal"]
    note = "双方已在展会上接触" if reason == RejectReason.OTHER else ""
    reject_proposal(proposal.pk, agent_id=cast["agent"].pk, reason=reason, note=note)

    assert _reload(proposal).state == ProposalState.REJECTED
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.action, decision.reason, decision.note) == (
        DecisionAction.REJECT,
        reason,
        note,
    )


def test_reject_proposal_other_without_a_note_or_unknown_reason_is_refused(cast):
    proposal = cast["proposal"]
    with pytest.raises(DecisionError) as other:
        reject_proposal(
            proposal.pk, agent_id=cast["agent"].pk, reason="other", note="  "
        )
    assert other.value.code == "note_required"
    with pytest.raises(DecisionError) as unknown:
        reject_proposal(proposal.pk, agent_id=cast["agent"].pk, reason="boring")
    assert unknown.value.code == "reason"
    assert _reload(proposal).state == ProposalState.PROPOSED
    assert not Decision.objects.exists()


def test_reject_proposal_twice_is_a_no_op(cast):
    proposal = cast["proposal"]
    reject_proposal(proposal.pk, agent_id=cast["agent"].pk, reason="off_topic")
    with pytest.raises(AlreadyDone):
        reject_proposal(proposal.pk, agent_id=cast["agent"].pk, reason="off_topic")
    with pytest.raises(AlreadyDone):
        introduce(proposal.pk, cast["agent"].pk)
    assert Decision.objects.filter(proposal=proposal).count() == 1


def test_snooze_proposal_hides_it_until_the_date_then_it_comes_back(cast):
    proposal = cast["proposal"]
    agent = cast["agent"]
    until = timezone.now() + dt.timedelta(days=3)
    snooze_proposal(proposal.pk, agent_id=agent.pk, until=until)

    proposal = _reload(proposal)
    assert proposal.state == ProposalState.SNOOZED
    assert proposal.snoozed_until == until
    decision = Decision.objects.get(proposal=proposal)
    assert decision.snoozed_until == until
    assert pending_count(agent) == 0
    assert not reviewable_proposals(agent, QueueFilters(state=OPEN)).exists()

    Proposal.objects.filter(pk=proposal.pk).update(
        snoozed_until=timezone.now() - dt.timedelta(minutes=1)
    )
    assert pending_count(agent) == 1


def test_snooze_proposal_refuses_a_past_or_far_date(cast):
    proposal = cast["proposal"]
    with pytest.raises(DecisionError):
        snooze_proposal(
            proposal.pk,
            agent_id=cast["agent"].pk,
            until=timezone.now() - dt.timedelta(days=1),
        )
    with pytest.raises(DecisionError):
        snooze_proposal(
            proposal.pk,
            agent_id=cast["agent"].pk,
            until=timezone.now() + dt.timedelta(days=400),
        )
    assert _reload(proposal).state == ProposalState.PROPOSED


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("agent", True),
        ("moderator", True),
        ("far_agent", False),
        ("owner_agent", False),
        ("member", False),
        ("demand_owner", False),
        ("outcome_owner", False),
    ],
)
def test_every_action_respects_who_may_act(cast, who, allowed):
    proposal = cast["proposal"]
    user = cast[who]
    actions = [
        lambda: claim_proposal(proposal.pk, agent_id=user.pk),
        lambda: reject_proposal(proposal.pk, agent_id=user.pk, reason="off_topic"),
        lambda: snooze_proposal(
            proposal.pk,
            agent_id=user.pk,
            until=timezone.now() + dt.timedelta(days=1),
        ),
        lambda: introduce(proposal.pk, user.pk),
        lambda: release_proposal(proposal.pk, agent_id=user.pk),
    ]
    if allowed:
        claim_proposal(proposal.pk, agent_id=user.pk)
        assert _reload(proposal).state == ProposalState.CLAIMED
        return
    for action in actions:
        with pytest.raises(PermissionDenied):
            action()
    assert _reload(proposal).state == ProposalState.PROPOSED
    assert not Decision.objects.exists()


def test_introduce_opens_one_conversation_between_both_organisations_and_the_agent(
    cast,
):
    proposal = cast["proposal"]
    agent = cast["agent"]
    introduction = introduce(proposal.pk, agent.pk)

    proposal = _reload(proposal)
    assert proposal.state == ProposalState.ACCEPTED
    assert Decision.objects.get(proposal=proposal).action == DecisionAction.ACCEPT
    conversation = introduction.conversation
    assert conversation is not None
    assert conversation.parties_are_organisations
    assert conversation.listing_id == cast["outcome"].pk
    assert conversation.other_listing_id == cast["demand"].pk
    assert conversation.agent == agent
    assert conversation_side(cast["demand_owner"], conversation) == Side.REQUESTER
    assert conversation_side(cast["outcome_owner"], conversation) == Side.OWNER
    assert conversation_side(agent, conversation) == Side.AGENT
    assert conversation_side(cast["member"], conversation) is None
    assert conversation_side(cast["far_agent"], conversation) is None

    first = conversation.messages.get()
    assert first.side == Side.SYSTEM
    assert "82 / 100" in first.body
    assert "铝合金" in first.body  # a shared key term
    assert cast["demand"].title in first.body
    assert cast["outcome"].title in first.body

    # Both parties write in it, and each hears of the other's message.
    post_message(conversation.pk, author_id=cast["demand_owner"].pk, body="请介绍工艺")
    post_message(conversation.pk, author_id=cast["outcome_owner"].pk, body="可以")
    assert conversation.messages.count() == 3


def test_introduce_notifies_both_owner_organisations_in_site_and_by_email(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        introduce(cast["proposal"].pk, cast["agent"].pk)

    # owner_agent belongs to the outcome's organisation: a member like the others.
    for who in ("demand_owner", "outcome_owner", "owner_agent"):
        kinds = list(
            Notification.objects.filter(recipient=cast[who]).values_list(
                "kind", flat=True
            )
        )
        assert kinds == [NotificationKind.CONVERSATION_STARTED], who
    assert not Notification.objects.filter(recipient=cast["agent"]).exists()
    assert not Notification.objects.filter(recipient=cast["member"]).exists()
    addresses = {message.to[0] for message in mail.outbox}
    assert addresses == {"li@example.cn", "zhang@example.cn", cast["owner_agent"].email}
    body = next(m.body for m in mail.outbox if m.to == ["li@example.cn"])
    assert "82 / 100" in body


def test_introduce_twice_introduces_once(cast):
    proposal = cast["proposal"]
    introduce(proposal.pk, cast["agent"].pk)
    with pytest.raises(AlreadyDone) as again:
        introduce(proposal.pk, cast["agent"].pk)
    assert again.value.code == "accepted"
    assert Introduction.objects.count() == 1
    assert Conversation.objects.filter(source="introduction").count() == 1
    assert Decision.objects.filter(action=DecisionAction.ACCEPT).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_introduce_clicked_twice_at_once_introduces_once(db):
    sync_role_groups()
    cast = make_cast()
    proposal, agent = cast["proposal"], cast["agent"]
    results: list[str] = []

    def accept() -> None:
        try:
            introduce(proposal.pk, agent.pk)
            results.append("introduced")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already", "introduced"]
    assert Introduction.objects.count() == 1
    assert Conversation.objects.filter(source="introduction").count() == 1


@pytest.mark.parametrize("side", ["demand", "outcome"])
def test_introduce_after_an_unpublish_retires_the_proposal_with_a_message(cast, side):
    proposal = cast["proposal"]
    listing = cast[side]
    type(listing).objects.filter(pk=listing.pk).update(status=ListingStatus.ARCHIVED)

    with pytest.raises(DecisionError) as refused:
        introduce(proposal.pk, cast["agent"].pk)
    assert refused.value.code == "unpublished"
    with translation.override("en"):
        assert "unpublished meanwhile" in str(refused.value.message)
    with translation.override("zh-hans"):
        assert "下线" in str(refused.value.message)
    proposal = _reload(proposal)
    assert proposal.state == ProposalState.RETIRED
    assert proposal.retired_at is not None
    assert not Introduction.objects.exists()
    assert not Conversation.objects.filter(source="introduction").exists()


def test_introduce_of_a_retired_proposal_is_refused(cast):
    proposal = cast["proposal"]
    Proposal.objects.filter(pk=proposal.pk).update(state=ProposalState.RETIRED)
    with pytest.raises(DecisionError) as refused:
        introduce(proposal.pk, cast["agent"].pk)
    assert refused.value.code == "retired"
    assert Outcome.objects.filter(pk=cast["outcome"].pk).exists()


def test_introduction_messages_reach_the_other_organisation_respecting_preferences(
    cast, eager_celery, django_capture_on_commit_callbacks
):
    introduction = introduce(cast["proposal"].pk, cast["agent"].pk)
    demand_owner = cast["demand_owner"]
    demand_owner.email_conversation_messages = False
    demand_owner.save(update_fields=["email_conversation_messages"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_message(
            introduction.conversation_id,
            author_id=cast["outcome_owner"].pk,
            body="欢迎来实验室交流",
        )

    heard = Notification.objects.filter(kind=NotificationKind.CONVERSATION_MESSAGE)
    assert set(heard.values_list("recipient_id", flat=True)) == {
        demand_owner.pk,
        cast["agent"].pk,
        cast["owner_agent"].pk,  # a member of the outcome's organisation
    }
    addresses = {message.to[0] for message in mail.outbox}
    assert demand_owner.email not in addresses  # in the site only, as asked
    assert cast["agent"].email in addresses


def test_release_stale_claims_gives_an_idle_claim_back_and_records_it(cast, settings):
    settings.MATCHING_CLAIM_DAYS = 14
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    claimed_at = _reload(proposal).claimed_at
    assert claimed_at is not None

    early = release_stale_claims(now=claimed_at + dt.timedelta(days=13))
    assert early["proposals"] == 0
    assert _reload(proposal).state == ProposalState.CLAIMED

    late = release_stale_claims(now=claimed_at + dt.timedelta(days=15))
    again = release_stale_claims(now=claimed_at + dt.timedelta(days=16))

    proposal = _reload(proposal)
    assert late["proposals"] == 1 and again["proposals"] == 0
    assert proposal.state == ProposalState.PROPOSED
    assert proposal.claimed_by is None and proposal.claimed_at is None
    expired = Decision.objects.filter(proposal=proposal).latest("created_at")
    assert (expired.action, expired.agent) == (DecisionAction.EXPIRE, cast["agent"])
    # Back in the queue: another agent may claim it now.
    other = make_cast_agent()
    claim_proposal(proposal.pk, agent_id=other.pk)
    assert _reload(proposal).claimed_by == other


def test_release_stale_claims_leaves_decided_and_snoozed_proposals_alone(cast):
    proposal = cast["proposal"]
    claim_proposal(proposal.pk, agent_id=cast["agent"].pk)
    reject_proposal(proposal.pk, agent_id=cast["agent"].pk, reason="off_topic")

    result = release_stale_claims(now=timezone.now() + dt.timedelta(days=60))

    assert result["proposals"] == 0
    assert _reload(proposal).state == ProposalState.REJECTED
