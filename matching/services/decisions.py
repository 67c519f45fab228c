"""What an agent does with a proposal: claim, release, reject, snooze, introduce.

Every verb locks the proposal row, accepts only the states it may leave, and stores one
``Decision`` with the score, component scores and versions as they stood (labelled
data for the re-ranker). ``introduce`` opens the one conversation of the introduction
between both owner organisations and the agent; the answers to it hang off
``Introduction.conversation``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from market.models import ConversationSource, ListingStatus, Side
from market.services.conversations import clean_text, start_conversation
from matching.explain import sentences
from matching.models import (
    Decision,
    DecisionAction,
    Introduction,
    MatchGap,
    Proposal,
    ProposalState,
    RejectReason,
)
from matching.permissions import can_act, may_override_claim

NOTE_MAX_LENGTH = 2000
# How far ahead a proposal may be snoozed.
MAX_SNOOZE = dt.timedelta(days=365)
# States a decision may start from.
UNDECIDED = (ProposalState.PROPOSED, ProposalState.CLAIMED, ProposalState.SNOOZED)


class DecisionError(Exception):
    """A step the queue refuses; ``message`` is for the agent, ``code`` for code."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class AlreadyDone(DecisionError):
    """The step was already taken (a double submit): nothing changed."""


def _lock(proposal_id: int, agent_id: int) -> tuple[Proposal, Any]:
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).filter(pk=proposal_id).first()
    )
    if proposal is None:
        raise DecisionError(_("This proposal no longer exists."), code="missing")
    agent = get_user_model().objects.get(pk=agent_id)
    if not can_act(agent, proposal):
        raise PermissionDenied("not a reviewer of this proposal")
    return proposal, agent


def _record(
    proposal: Proposal,
    agent_id: int,
    action: str,
    *,
    reason: str = "",
    note: str = "",
    snoozed_until: dt.datetime | None = None,
) -> Decision:
    return Decision.objects.create(
        proposal=proposal,
        agent_id=agent_id,
        action=action,
        reason=reason,
        note=note,
        snoozed_until=snoozed_until,
        score=proposal.score,
        components=dict(proposal.components or {}),
        engine_version=proposal.engine_version,
        model_version=proposal.model_version,
    )


def _refuse_unless_undecided(proposal: Proposal) -> None:
    if proposal.state == ProposalState.ACCEPTED:
        raise AlreadyDone(
            _("This proposal has already been accepted and introduced."),
            code="accepted",
        )
    if proposal.state == ProposalState.REJECTED:
        raise AlreadyDone(
            _("This proposal has already been rejected."), code="rejected"
        )
    if proposal.state == ProposalState.RETIRED:
        raise DecisionError(
            _("This proposal has been retired: the matcher no longer proposes it."),
            code="retired",
        )


def _refuse_others_claim(proposal: Proposal, agent: Any) -> None:
    if not may_override_claim(agent, proposal):
        raise DecisionError(
            _("Another transfer agent has claimed this proposal."), code="claimed"
        )


@transaction.atomic
def claim_proposal(proposal_id: int, *, agent_id: int) -> Proposal:
    """The agent takes the proposal: others see it as theirs until it is released."""
    proposal, _agent = _lock(proposal_id, agent_id)
    _refuse_unless_undecided(proposal)
    if proposal.state == ProposalState.CLAIMED:
        if proposal.claimed_by_id == agent_id:
            raise AlreadyDone(
                _("You have already claimed this proposal."), code="claimed_by_you"
            )
        raise DecisionError(
            _("Another transfer agent has claimed this proposal."), code="claimed"
        )
    proposal.state = ProposalState.CLAIMED
    proposal.claimed_by_id = agent_id
    proposal.claimed_at = timezone.now()
    proposal.snoozed_until = None
    proposal.save(update_fields=["state", "claimed_by", "claimed_at", "snoozed_until"])
    _record(proposal, agent_id, DecisionAction.CLAIM)
    return proposal


@transaction.atomic
def release_proposal(proposal_id: int, *, agent_id: int) -> Proposal:
    """The agent (or a moderator) gives a claimed proposal back to the queue."""
    proposal, agent = _lock(proposal_id, agent_id)
    if proposal.state != ProposalState.CLAIMED:
        raise AlreadyDone(_("This proposal is not claimed."), code="not_claimed")
    _refuse_others_claim(proposal, agent)
    proposal.state = ProposalState.PROPOSED
    proposal.claimed_by = None
    proposal.claimed_at = None
    proposal.save(update_fields=["state", "claimed_by", "claimed_at"])
    _record(proposal, agent_id, DecisionAction.RELEASE)
    return proposal


def release_stale_claims(now: dt.datetime | None = None) -> dict[str, int]:
    """Give back to every agent the proposals and needs-an-agent demands claimed more
    than ``MATCHING_CLAIM_DAYS`` ago and not acted on since; how many of each.

    An expired proposal claim is recorded as a decision of its agent (``expire``), so
    the labelled data shows it; safe to run twice (a released claim is not claimed).
    """
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.MATCHING_CLAIM_DAYS)
    released = 0
    stale = Proposal.objects.filter(
        state=ProposalState.CLAIMED, claimed_at__lt=before
    ).values_list("pk", flat=True)
    for proposal_id in list(stale):
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update()
                .filter(
                    pk=proposal_id, state=ProposalState.CLAIMED, claimed_at__lt=before
                )
                .first()
            )
            if proposal is None or proposal.claimed_by_id is None:
                continue  # acted on meanwhile (or its agent's account is gone)
            agent_id = proposal.claimed_by_id
            proposal.state = ProposalState.PROPOSED
            proposal.claimed_by = None
            proposal.claimed_at = None
            proposal.save(update_fields=["state", "claimed_by", "claimed_at"])
            _record(
                proposal,
                agent_id,
                DecisionAction.EXPIRE,
                note=f"claimed more than {settings.MATCHING_CLAIM_DAYS} days",
            )
            released += 1
    gaps = MatchGap.objects.filter(
        claimed_by__isnull=False, claimed_at__lt=before
    ).update(claimed_by=None, claimed_at=None)
    return {"proposals": released, "demands": gaps}


@transaction.atomic
def reject_proposal(
    proposal_id: int, *, agent_id: int, reason: str, note: str = ""
) -> Proposal:
    """The agent rejects the pairing with a reason code ("other" needs a note)."""
    if reason not in RejectReason.values:
        raise DecisionError(_("Choose a reason for rejecting."), code="reason")
    note = clean_text(note, NOTE_MAX_LENGTH)
    if reason == RejectReason.OTHER and not note:
        raise DecisionError(
            _("Say why you reject this proposal."), code="note_required"
        )
    proposal, agent = _lock(proposal_id, agent_id)
    _refuse_unless_undecided(proposal)
    _refuse_others_claim(proposal, agent)
    proposal.state = ProposalState.REJECTED
    proposal.snoozed_until = None
    proposal.save(update_fields=["state", "snoozed_until"])
    _record(proposal, agent_id, DecisionAction.REJECT, reason=reason, note=note)
    return proposal


@transaction.atomic
def snooze_proposal(proposal_id: int, *, agent_id: int, until: dt.datetime) -> Proposal:
    """Put the proposal aside until ``until``; it comes back to the queue then."""
    now = timezone.now()
    if until <= now:
        raise DecisionError(_("Choose a date in the future."), code="past")
    if until > now + MAX_SNOOZE:
        raise DecisionError(
            _("A proposal can be snoozed for a year at most."), code="too_far"
        )
    proposal, agent = _lock(proposal_id, agent_id)
    _refuse_unless_undecided(proposal)
    _refuse_others_claim(proposal, agent)
    proposal.state = ProposalState.SNOOZED
    proposal.snoozed_until = until
    proposal.claimed_by = None
    proposal.claimed_at = None
    proposal.save(update_fields=["state", "snoozed_until", "claimed_by", "claimed_at"])
    _record(proposal, agent_id, DecisionAction.SNOOZE, snoozed_until=until)
    return proposal


def introduction_text(proposal: Proposal, agent: Any) -> str:
    """The system message opening an introduction: who pairs what, the score, why.

    Written in the site's language, as both parties read the same thread; it names
    the listings, never their organisations (an anonymous owner stays hidden).
    """
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            gettext(
                "%(agent)s, transfer agent, introduces the demand “%(demand)s” and the "
                "outcome “%(outcome)s”: TechMatch's matcher finds that they may "
                "belong together."
            )
            % {
                "agent": agent.display_name or agent.email,
                "demand": proposal.demand.title,
                "outcome": proposal.outcome.title,
            },
            gettext("Match score: %(score)s / 100") % {"score": score_100(proposal)},
        ]
        reasons = sentences(proposal.reasons or [], proposal.shared_terms or [])
        if reasons:
            lines.append(gettext("Why:"))
            lines += [f"· {reason}" for reason in reasons]
        lines.append(
            gettext("Both parties can write here; the agent follows the conversation.")
        )
    return "\n".join(lines)


def score_100(proposal: Proposal) -> int:
    """The total score on the 0–100 scale the pages show."""
    return round(max(0.0, min(1.0, proposal.score)) * 100)


def introduce(proposal_id: int, agent_id: int) -> Introduction:
    """Accept the proposal and introduce both owner organisations to each other.

    Opens one conversation between the demand's organisation (requester side), the
    outcome's (owner side) and the agent, with a system message explaining the
    pairing; both organisations' members are notified in-site and by email. A second
    call raises ``AlreadyDone``. When either listing is no longer published, the
    proposal is retired and ``DecisionError`` (code "unpublished") raised.
    """
    with transaction.atomic():
        proposal, agent = _lock(proposal_id, agent_id)
        _refuse_unless_undecided(proposal)
        _refuse_others_claim(proposal, agent)
        demand, outcome = proposal.demand, proposal.outcome
        published = (
            demand.status == ListingStatus.PUBLISHED
            and outcome.status == ListingStatus.PUBLISHED
        )
        if published:
            return _introduce(proposal, agent)
        proposal.state = ProposalState.RETIRED
        proposal.retired_at = timezone.now()
        proposal.claimed_by = None
        proposal.claimed_at = None
        proposal.save(update_fields=["state", "retired_at", "claimed_by", "claimed_at"])
    raise DecisionError(
        _(
            "The demand or the outcome has been unpublished meanwhile: this proposal "
            "can no longer be accepted and has been retired."
        ),
        code="unpublished",
    )


def _introduce(proposal: Proposal, agent: Any) -> Introduction:
    proposal.state = ProposalState.ACCEPTED
    proposal.claimed_by = agent
    proposal.snoozed_until = None
    proposal.save(update_fields=["state", "claimed_by", "snoozed_until"])
    _record(proposal, agent.pk, DecisionAction.ACCEPT)
    introduction = Introduction.objects.create(proposal=proposal, agent=agent)
    conversation, _created = start_conversation(
        source=ConversationSource.INTRODUCTION,
        listing_id=proposal.outcome_id,
        other_listing_id=proposal.demand_id,
        requester_id=agent.pk,
        requester_organisation_id=proposal.demand.organisation_id,
        first_message=introduction_text(proposal, agent),
        started_by=introduction,
        author_side=Side.SYSTEM,
        author_id=agent.pk,
        agent_id=agent.pk,
    )
    introduction.conversation = conversation
    introduction.save(update_fields=["conversation"])
    return introduction
