"""Who hears about a challenge (揭榜挂帅): its life-cycle steps and objections turned into
notifications via the notifier, as ``accounts.receivers`` does for listings.

The issuer's members hear about every step that concerns them; the members of every
applicant organisation (lead and consortium members) about the outcome; moderators
about what awaits them; an objector about the decision. Each recipient gets one
message per event. Messages never name another applicant, an expert or (to
applicants) the issuer: what an applicant reads about others is what the public
announcement shows. Like the listing receivers these run inside the service's
transaction and render in the site's language (users have no language of their own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from accounts.models import Membership, NotificationKind
from accounts.notifications import notify, render_message
from accounts.receivers import _path, member_ids, role_ids
from accounts.roles import Role
from accounts.services.challenge_reminders import beijing
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeObjection,
    ConsortiumMember,
    DeliveryAction,
    DeliveryMilestone,
    ObjectionOutcome,
    Payout,
)
from market.signals import (
    challenge_delivery,
    challenge_objection,
    challenge_status_changed,
)


def applicant_members(
    challenge_id: int, *, submitted_only: bool = True
) -> dict[int, set[int]]:
    """Application id → active members of its lead and consortium organisations."""
    applications = ChallengeApplication.objects.filter(challenge_id=challenge_id)
    if submitted_only:
        applications = applications.filter(status=ApplicationStatus.SUBMITTED)
    organisations: dict[int, set[int]] = {
        pk: {lead}
        for pk, lead in applications.values_list("pk", "lead_organisation_id")
    }
    for application_id, organisation_id in ConsortiumMember.objects.filter(
        application_id__in=list(organisations)
    ).values_list("application_id", "organisation_id"):
        organisations[application_id].add(organisation_id)
    users: dict[int, set[int]] = {}
    for organisation_id, user_id in (
        Membership.objects.active()
        .filter(
            organisation_id__in={o for orgs in organisations.values() for o in orgs},
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id")
    ):
        users.setdefault(organisation_id, set()).add(user_id)
    return {
        application_id: set().union(*(users.get(o, set()) for o in orgs))
        for application_id, orgs in sorted(organisations.items())
    }


def _send(
    user_ids: Iterable[int],
    *,
    kind: str,
    context: dict[str, Any],
    url: str,
) -> set[int]:
    """Render once and notify ``user_ids``; returns who was addressed."""
    recipients = set(user_ids)
    if recipients:
        subject, body = render_message(kind, context)
        notify(recipients, kind=kind, subject=subject, body=body, url=url)
    return recipients


def _context(challenge: Challenge, reason: str, **extra: Any) -> dict[str, Any]:
    return {"challenge": challenge, "reason": reason, **extra}


def _issuer(
    challenge: Challenge, kind: str, context: dict[str, Any], by_user_id: int | None
) -> set[int]:
    """The issuer's members (but the one who acted) hear on their workbench page."""
    return _send(
        member_ids(challenge.issuer_id) - {by_user_id},
        kind=kind,
        context=context,
        url=_path("workbench:challenge_detail", challenge.pk),
    )


def _applicants(
    challenge: Challenge,
    kind: str,
    context: dict[str, Any],
    *,
    skip: set[int],
    submitted_only: bool = True,
) -> None:
    """Every applicant organisation's members, each once, with a link to their own
    application; ``skip`` already heard of the event."""
    told = set(skip)
    for application_id, users in applicant_members(
        challenge.pk, submitted_only=submitted_only
    ).items():
        told |= _send(
            users - told,
            kind=kind,
            context=context,
            url=_path("workbench:application_detail", application_id),
        )


# -- One handler per step; steps without one (recall, start_review, start_delivery)
# -- tell nobody.


def _submitted(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    _send(
        role_ids(Role.MODERATOR) - {by_user_id},
        kind=NotificationKind.CHALLENGE_SUBMITTED,
        context=_context(challenge, reason),
        url=_path("market_review:challenges"),
    )


def _published(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    _issuer(
        challenge,
        NotificationKind.CHALLENGE_PUBLISHED,
        _context(challenge, reason, deadline=beijing(challenge.application_deadline)),
        by_user_id,
    )


def _rejected(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    _issuer(
        challenge,
        NotificationKind.CHALLENGE_REJECTED,
        _context(challenge, reason),
        by_user_id,
    )


def _closed(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    submitted = ChallengeApplication.objects.filter(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    ).count()
    _issuer(
        challenge,
        NotificationKind.CHALLENGE_CLOSED,
        _context(challenge, "", count=submitted),
        by_user_id,
    )


def _awarded(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    winner = challenge.awarded_application
    ends = beijing(challenge.objection_period_ends_at)
    told = _issuer(
        challenge,
        NotificationKind.CHALLENGE_AWARDED,
        _context(
            challenge,
            reason,
            winner=winner.lead_organisation if winner else "",
            objection_period_ends=ends,
        ),
        by_user_id,
    )
    if by_user_id is not None:
        told.add(by_user_id)
    announcement = _path("challenges:announcement", challenge.pk)
    members = applicant_members(challenge.pk)
    if winner is not None:
        told |= _send(
            members.pop(winner.pk, set()) - told,
            kind=NotificationKind.CHALLENGE_WON,
            context=_context(challenge, reason, objection_period_ends=ends),
            url=announcement,
        )
    # The others learn the result and the objection period, never who else applied.
    _send(
        set().union(*members.values()) - told,
        kind=NotificationKind.CHALLENGE_RESULT,
        context=_context(challenge, reason, objection_period_ends=ends),
        url=announcement,
    )


def _award_revoked(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
    """An upheld objection: the issuer chooses again; every applicant, who was told
    the result, hears that it no longer stands (the winner is no longer recorded, so
    all are told alike, without the moderator's note, which is not public)."""
    told = _issuer(
        challenge,
        NotificationKind.CHALLENGE_AWARD_REVOKED,
        _context(challenge, reason),
        by_user_id,
    )
    _applicants(
        challenge,
        NotificationKind.CHALLENGE_AWARD_REVOKED,
        _context(challenge, "", applicant=True),
        skip=told | ({by_user_id} if by_user_id is not None else set()),
    )


def _ended(
    kind: str, *, issuer: bool, submitted_only: bool = True
) -> Callable[..., None]:
    """A step that ends the challenge early: the issuer (when ``issuer``) and every
    applicant hear why (the reason is on the public timeline too)."""

    def handler(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
        told = {by_user_id} if by_user_id is not None else set()
        if issuer:
            told |= _issuer(challenge, kind, _context(challenge, reason), by_user_id)
        else:
            # Whoever withdrew it belongs to the issuer; the rest of it needs no word.
            told |= member_ids(challenge.issuer_id)
        _applicants(
            challenge,
            kind,
            _context(challenge, reason, applicant=True),
            skip=told,
            submitted_only=submitted_only,
        )

    return handler


def _delivered(kind: str) -> Callable[..., None]:
    """Acceptance and payout: the issuer's members and the winning team hear of it."""

    def handler(challenge: Challenge, by_user_id: int | None, reason: str) -> None:
        told = _issuer(challenge, kind, _context(challenge, reason), by_user_id)
        if by_user_id is not None:
            told.add(by_user_id)
        winner_id = challenge.awarded_application_id
        if winner_id is None:
            return
        _send(
            applicant_members(challenge.pk).get(winner_id, set()) - told,
            kind=kind,
            context=_context(challenge, reason, applicant=True),
            url=_path("workbench:application_detail", winner_id),
        )

    return handler


HANDLERS: dict[str, Callable[[Challenge, int | None, str], None]] = {
    "submit": _submitted,
    "publish": _published,
    "reject": _rejected,
    "close": _closed,
    "award": _awarded,
    "revoke_award": _award_revoked,
    # Withdrawn while published: drafts were being written, so their teams hear too.
    "withdraw": _ended(
        NotificationKind.CHALLENGE_WITHDRAWN, issuer=False, submitted_only=False
    ),
    "fail": _ended(NotificationKind.CHALLENGE_FAILED, issuer=True),
    "terminate": _ended(NotificationKind.CHALLENGE_TERMINATED, issuer=True),
    "accept": _delivered(NotificationKind.CHALLENGE_ACCEPTED),
    "pay_out": _delivered(NotificationKind.CHALLENGE_PAID_OUT),
}


def on_challenge_status_changed(
    sender: Any,
    *,
    challenge_id: int,
    action: str,
    by_user_id: int | None = None,
    reason: str = "",
    **kwargs: Any,
) -> None:
    """One step of a challenge's life cycle: tell the people it concerns."""
    handler = HANDLERS.get(action)
    if handler is None:
        return
    challenge = Challenge.objects.select_related(
        "issuer", "awarded_application__lead_organisation"
    ).get(pk=challenge_id)
    handler(challenge, by_user_id, reason)


def on_challenge_objection(
    sender: Any,
    *,
    objection_id: int,
    event: str,
    by_user_id: int | None = None,
    **kwargs: Any,
) -> None:
    """Moderators hear of a new objection; the objector of the decision."""
    objection = ChallengeObjection.objects.select_related("challenge").get(
        pk=objection_id
    )
    challenge = objection.challenge
    if event == "raised":
        _send(
            role_ids(Role.MODERATOR) - {objection.raised_by_id},
            kind=NotificationKind.OBJECTION_RAISED,
            context={"challenge": challenge, "objection": objection},
            url=_path("market_review:objection", objection.pk),
        )
        return
    if event not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        return
    if objection.raised_by_id is None:  # the objector's account is gone
        return
    upheld = event == ObjectionOutcome.UPHELD
    _send(
        {objection.raised_by_id} - {by_user_id},
        kind=NotificationKind.OBJECTION_DECIDED,
        context={"challenge": challenge, "objection": objection, "upheld": upheld},
        url=_path(
            "challenges:detail" if upheld else "challenges:announcement",
            challenge.pk,
        ),
    )


def on_challenge_delivery(
    sender: Any,
    *,
    challenge_id: int,
    event: str,
    by_user_id: int | None = None,
    milestone_id: int | None = None,
    payout_id: int | None = None,
    **kwargs: Any,
) -> None:
    """A milestone accepted or a payout recorded: the winning team and the issuer's
    other members hear of it, with the link to the delivery page (the team reads it)."""
    if event == DeliveryAction.MILESTONE_ACCEPTED and milestone_id is not None:
        kind = NotificationKind.MILESTONE_ACCEPTED
        extra: dict[str, Any] = {
            "milestone": DeliveryMilestone.objects.get(pk=milestone_id)
        }
    elif event == DeliveryAction.PAYOUT_RECORDED and payout_id is not None:
        kind = NotificationKind.PAYOUT_RECORDED
        extra = {"payout": Payout.objects.get(pk=payout_id)}
    else:
        return
    challenge = Challenge.objects.select_related("issuer").get(pk=challenge_id)
    people = member_ids(challenge.issuer_id)
    winner_id = challenge.awarded_application_id
    if winner_id is not None:
        people |= applicant_members(challenge.pk).get(winner_id, set())
    _send(
        people - {by_user_id},
        kind=kind,
        context=_context(challenge, "", **extra),
        url=_path("workbench:delivery", challenge.pk),
    )


def connect() -> None:
    """Connect the challenge receivers once (from ``accounts.receivers.connect``)."""
    challenge_status_changed.connect(
        on_challenge_status_changed, dispatch_uid="accounts.notify_challenge_status"
    )
    challenge_objection.connect(
        on_challenge_objection, dispatch_uid="accounts.notify_challenge_objection"
    )
    challenge_delivery.connect(
        on_challenge_delivery, dispatch_uid="accounts.notify_challenge_delivery"
    )
