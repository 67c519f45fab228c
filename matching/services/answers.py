"""Each party's answer to an introduction: accept, or decline with a reason code.

An answer is final: a side answers once, from "not answered yet" only. Changing one's
mind is said in the conversation, where the agent reads it (a flip-flopping answer
would also re-notify everyone and muddle the labelled data).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from market.models import ListingStatus
from market.services.conversations import clean_text, post_system_message
from matching.models import (
    DeclineReason,
    Introduction,
    IntroductionResponse,
    ProposalState,
)
from matching.permissions import DEMAND, introduction_side

NOTE_MAX_LENGTH = 2000


class AnswerError(Exception):
    """An answer the matcher refuses; ``message`` is for the user."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _party(side: str) -> str:
    return (
        gettext("The demand owner") if side == DEMAND else gettext("The outcome owner")
    )


def _check(response: str, reason: str, note: str) -> None:
    if response not in (IntroductionResponse.ACCEPTED, IntroductionResponse.DECLINED):
        raise AnswerError(_("Accept or decline the introduction."), code="response")
    if response == IntroductionResponse.ACCEPTED:
        return
    if reason not in DeclineReason.values:
        raise AnswerError(_("Choose a reason for declining."), code="reason_required")
    if reason == DeclineReason.OTHER and not note:
        raise AnswerError(_("Say why you decline."), code="note_required")


def _message(side: str, response: str, reason: str, note: str, confirmed: bool) -> str:
    if response == IntroductionResponse.ACCEPTED:
        text = gettext("%(party)s accepted the introduction.") % {"party": _party(side)}
        if confirmed:
            text += "\n" + gettext(
                "Both parties accepted: the transfer agent arranges the next step."
            )
    else:
        text = gettext(
            "%(party)s declined the introduction: %(reason)s (%(code)s)."
        ) % {
            "party": _party(side),
            "reason": DeclineReason(reason).label,
            "code": reason,
        }
    if note:
        text += "\n" + note
    return text


@transaction.atomic
def answer_introduction(
    introduction_id: int,
    *,
    user_id: int,
    response: str,
    reason: str = "",
    note: str = "",
) -> Introduction:
    """A member of one party's organisation accepts or declines the introduction.

    The side comes from the user's memberships; each side answers once (the same
    answer again changes nothing, a different one is refused). The answer
    is written in the conversation and the others (the other party, the agent) are
    told; when both have accepted the proposal stays accepted and the introduction
    is confirmed.
    """
    note = clean_text(note, NOTE_MAX_LENGTH)
    reason = reason if response == IntroductionResponse.DECLINED else ""
    _check(response, reason, note)
    introduction = (
        Introduction.objects.select_for_update(of=("self", "proposal"))
        .select_related("proposal__demand", "proposal__outcome")
        .get(pk=introduction_id)
    )
    user = get_user_model().objects.get(pk=user_id)
    side = introduction_side(user, introduction)
    if side is None:
        raise PermissionDenied("only a member of either party answers")
    current = getattr(introduction, f"{side}_response")
    if current == response and getattr(introduction, f"{side}_reason") == reason:
        # A double click (or a colleague giving the same answer): nothing changes.
        return introduction
    if current != IntroductionResponse.PENDING:
        raise AnswerError(
            _("Your organisation has already answered this introduction."),
            code="already_answered",
        )
    proposal = introduction.proposal
    if response == IntroductionResponse.ACCEPTED and (
        proposal.demand.status != ListingStatus.PUBLISHED
        or proposal.outcome.status != ListingStatus.PUBLISHED
    ):
        raise AnswerError(
            _("One of the two listings is no longer published: it cannot be accepted."),
            code="unpublished",
        )
    now = timezone.now()
    setattr(introduction, f"{side}_response", response)
    setattr(introduction, f"{side}_reason", reason)
    setattr(introduction, f"{side}_note", note)
    introduction.answered_at = now
    confirmed = (
        introduction.demand_response == IntroductionResponse.ACCEPTED
        and introduction.outcome_response == IntroductionResponse.ACCEPTED
    )
    if confirmed:
        introduction.confirmed_at = now
        if proposal.state != ProposalState.ACCEPTED:
            proposal.state = ProposalState.ACCEPTED
            proposal.save(update_fields=["state"])
    introduction.save(
        update_fields=[
            f"{side}_response",
            f"{side}_reason",
            f"{side}_note",
            "answered_at",
            "confirmed_at",
        ]
    )
    if introduction.conversation_id is not None:
        post_system_message(
            introduction.conversation_id,
            body=_message(side, response, reason, note, confirmed),
            announce=True,
            skip_user_ids=(user_id,),
        )
    return introduction
