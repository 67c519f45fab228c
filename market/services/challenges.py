"""The challenge life cycle: draft → submitted → published (发榜) → closed → under review
→ awarded (公示) → in progress → accepted (验收) → paid out (兑现); or withdrawn, failed,
terminated (each with a reason).

Every step is one entry of ``TRANSITIONS``: it starts only from its legal predecessors,
locks the challenge row, is recorded as a ``ChallengeTransition`` and announced with
``challenge_status_changed`` inside the transaction. A refused step raises
``ChallengeError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models import (
    Campaign,
    CampaignStatus,
    Challenge,
    ChallengeAttachment,
    ChallengeIndicator,
    ChallengeObjection,
    ChallengeStatus,
    ChallengeTransition,
    Demand,
    IndicatorDirection,
    ObjectionOutcome,
    ReviewCriterion,
)
from market.sanitize import rich_text_to_plain, sanitize_rich_text
from market.services.errors import ServiceError
from market.signals import challenge_objection, challenge_status_changed

S = ChallengeStatus
BEIJING = ZoneInfo("Asia/Shanghai")


class ChallengeError(ServiceError):
    """A request the challenge life cycle refuses; ``message`` is shown to the user.

    ``errors`` maps a form field to its message when the refusal concerns fields.
    """


class IllegalChallengeTransition(ChallengeError):
    """The challenge's current status does not allow the requested step."""


# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.REJECTED}), S.SUBMITTED),
    "recall": (frozenset({S.SUBMITTED}), S.DRAFT),
    "publish": (frozenset({S.SUBMITTED}), S.PUBLISHED),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "close": (frozenset({S.PUBLISHED}), S.CLOSED),
    "start_review": (frozenset({S.CLOSED}), S.UNDER_REVIEW),
    "award": (frozenset({S.UNDER_REVIEW}), S.AWARDED),
    # An upheld objection takes the award back: the review starts again.
    "revoke_award": (frozenset({S.AWARDED}), S.UNDER_REVIEW),
    "start_delivery": (frozenset({S.AWARDED}), S.IN_PROGRESS),
    "accept": (frozenset({S.IN_PROGRESS}), S.ACCEPTED),
    "pay_out": (frozenset({S.ACCEPTED}), S.PAID_OUT),
    "withdraw": (
        frozenset({S.DRAFT, S.SUBMITTED, S.REJECTED, S.PUBLISHED}),
        S.WITHDRAWN,
    ),
    "fail": (frozenset({S.CLOSED, S.UNDER_REVIEW}), S.FAILED),
    "terminate": (frozenset({S.AWARDED, S.IN_PROGRESS, S.ACCEPTED}), S.TERMINATED),
}
# Steps that must say why (the reason is kept on the transition and shown).
REASON_REQUIRED = frozenset({"reject", "withdraw", "fail", "terminate", "revoke_award"})
# Steps that end a challenge early; their reason is also kept on the challenge.
ENDINGS = frozenset({"withdraw", "fail", "terminate"})

ACTION_LABELS: dict[str, str | Promise] = {
    "submit": _("submitted for review"),
    "recall": _("taken back from review"),
    "publish": _("published"),
    "reject": _("rejected"),
    "close": _("closed"),
    "start_review": _("put under review"),
    "award": _("awarded"),
    "revoke_award": _("have its award revoked"),
    "start_delivery": _("started"),
    "accept": _("accepted"),
    "pay_out": _("paid out"),
    "withdraw": _("withdrawn"),
    "fail": _("declared failed"),
    "terminate": _("terminated"),
}


def beijing_time(value: dt.datetime) -> str:
    """``value`` as users read deadlines: "2027-03-01 18:00 (北京时间)"."""
    local = value.astimezone(BEIJING)
    return str(
        _("%(time)s (Beijing time)") % {"time": local.strftime("%Y-%m-%d %H:%M")}
    )


def _lock(challenge_id: int) -> Challenge:
    try:
        return Challenge.objects.select_for_update().get(pk=challenge_id)
    except Challenge.DoesNotExist:
        raise ChallengeError(
            _("This challenge no longer exists."), code="not_found"
        ) from None


def illegal_reason(challenge: Challenge, action: str) -> str:
    """Why ``action`` cannot start from the challenge's status, or ''."""
    allowed_from, _target = TRANSITIONS[action]
    if challenge.status in allowed_from:
        return ""
    return str(
        _("A challenge that is “%(status)s” cannot be %(action)s.")
        % {"status": challenge.get_status_display(), "action": ACTION_LABELS[action]}
    )


def _step(
    challenge: Challenge,
    action: str,
    *,
    by_user_id: int | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Move the (locked) challenge by ``action``: check, save, record, announce."""
    why_not = illegal_reason(challenge, action)
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ChallengeError(_("Give a reason for this step."), code="reason_required")
    now = now or timezone.now()
    old = challenge.status
    _target = TRANSITIONS[action][1]
    challenge.status = _target
    challenge.status_changed_at = now
    if action in ENDINGS:
        challenge.end_reason = reason
    challenge.save()
    ChallengeTransition.objects.create(
        challenge=challenge,
        action=action,
        from_status=old,
        to_status=_target,
        by_user_id=by_user_id,
        at=now,
        reason=reason,
    )
    challenge_status_changed.send(
        sender=Challenge,
        challenge_id=challenge.pk,
        action=action,
        old_status=old,
        new_status=_target,
        by_user_id=by_user_id,
        reason=reason,
    )
    return challenge


# -- Drafting -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorData:
    """One indicator as the issuer's form gives it."""

    name: str
    target_value: Decimal | str
    measurement: str
    unit: str = ""
    direction: str = IndicatorDirection.AT_LEAST


@dataclass(frozen=True)
class CriterionData:
    """One expert review criterion and its weight in percent."""

    name: str
    weight: int
    description: str = ""


EDITABLE_STATUSES = frozenset({S.DRAFT, S.REJECTED})


def _decimal(value: Decimal | str) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _indicator_rows(items: Sequence[IndicatorData]) -> list[ChallengeIndicator]:
    rows: list[ChallengeIndicator] = []
    errors: list[str] = []
    for position, item in enumerate(items, start=1):
        value = _decimal(item.target_value)
        name = (item.name or "").strip()
        measurement = (item.measurement or "").strip()
        if not name or not measurement:
            errors.append(
                str(
                    _("Indicator %(n)s needs a name and how it is measured.")
                    % {"n": position}
                )
            )
        if value is None:
            errors.append(
                str(
                    _("Indicator %(n)s: the target value must be a number.")
                    % {"n": position}
                )
            )
        if item.direction not in IndicatorDirection.values:
            errors.append(
                str(_("Indicator %(n)s: unknown kind of target.") % {"n": position})
            )
        row = ChallengeIndicator(
            name=name,
            unit=(item.unit or "").strip(),
            direction=item.direction,
            target_value=value if value is not None else Decimal(0),
            measurement=measurement,
            sort_order=position,
        )
        if value is not None:
            try:
                row.clean_fields(exclude=["challenge"])
            except ValidationError as error:
                errors.extend(
                    f"{position}: {message}"
                    for messages in error.message_dict.values()
                    for message in messages
                )
        rows.append(row)
    if errors:
        raise ChallengeError(
            errors[0], code="invalid_indicators", errors={"indicators": errors}
        )
    return rows


def _criterion_rows(items: Sequence[CriterionData]) -> list[ReviewCriterion]:
    rows: list[ReviewCriterion] = []
    for position, item in enumerate(items, start=1):
        name = (item.name or "").strip()
        weight = item.weight
        if not name or not isinstance(weight, int) or not 1 <= weight <= 100:
            message = _(
                "Review criterion %(n)s needs a name and a weight from 1 to 100."
            ) % {"n": position}
            raise ChallengeError(
                message, code="invalid_criteria", errors={"criteria": [str(message)]}
            )
        rows.append(
            ReviewCriterion(
                name=name,
                description=(item.description or "").strip(),
                weight=weight,
                sort_order=position,
            )
        )
    total = sum(row.weight for row in rows)
    if rows and total != 100:
        message = _(
            "The weights of the review criteria add up to %(total)s; they must add "
            "up to 100."
        ) % {"total": total}
        raise ChallengeError(
            message, code="weights_not_100", errors={"criteria": [str(message)]}
        )
    return rows


def _check_links(challenge: Challenge) -> None:
    if challenge.source_demand_id is not None:
        demand = Demand.objects.filter(pk=challenge.source_demand_id).first()
        if demand is None or demand.organisation_id != challenge.issuer_id:
            message = _(
                "A challenge can only be promoted from its issuer's own demand."
            )
            raise ChallengeError(
                message,
                code="foreign_demand",
                errors={"source_demand": [str(message)]},
            )
    if challenge.campaign_id is not None:
        campaign = Campaign.objects.filter(pk=challenge.campaign_id).first()
        if campaign is None or campaign.status not in (
            CampaignStatus.DRAFT,
            CampaignStatus.OPEN,
        ):
            message = _("This campaign no longer collects challenges.")
            raise ChallengeError(
                message, code="campaign_closed", errors={"campaign": [str(message)]}
            )


@transaction.atomic
def save_challenge(
    challenge: Challenge,
    *,
    by_user_id: int,
    indicators: Sequence[IndicatorData] | None = None,
    criteria: Sequence[CriterionData] | None = None,
) -> Challenge:
    """Create or edit a draft (or rejected) challenge with its indicators and criteria.

    ``indicators`` and ``criteria``, when given, replace the stored ones. Everything is
    validated before anything is written; a refusal raises ``ChallengeError`` (with
    ``errors`` per field) and leaves the stored challenge as it was.
    """
    creating = challenge.pk is None
    if not creating:
        current = _lock(challenge.pk)
        if current.status not in EDITABLE_STATUSES:
            raise ChallengeError(
                _(
                    "A challenge that is “%(status)s” cannot be edited; only drafts "
                    "and rejected challenges can."
                )
                % {"status": current.get_status_display()},
                code="not_editable",
            )
        for name in (
            "status",
            "status_changed_at",
            "submitted_at",
            "published_at",
            "closed_at",
            "reviewed_at",
            "reviewed_by_id",
            "rejection_reason",
            "awarded_application_id",
            "awarded_at",
            "objection_period_ends_at",
            "end_reason",
            "created_by_id",
            "issuer_id",
        ):
            setattr(challenge, name, getattr(current, name))
    else:
        challenge.status = S.DRAFT
        challenge.created_by_id = by_user_id
    challenge.background = sanitize_rich_text(challenge.background)
    try:
        challenge.full_clean(exclude=["awarded_application"])
    except ValidationError as error:
        first = next(iter(error.message_dict.values()))[0]
        raise ChallengeError(first, code="invalid", errors=error.message_dict) from None
    _check_links(challenge)
    indicator_rows = _indicator_rows(indicators) if indicators is not None else None
    criterion_rows = _criterion_rows(criteria) if criteria is not None else None
    challenge.save()
    if indicator_rows is not None:
        # Responses of applications refer to indicators; drafts have none yet.
        challenge.indicators.all().delete()
        for row in indicator_rows:
            row.challenge = challenge
        ChallengeIndicator.objects.bulk_create(indicator_rows)
    if criterion_rows is not None:
        challenge.review_criteria.all().delete()
        for criterion in criterion_rows:
            criterion.challenge = challenge
        ReviewCriterion.objects.bulk_create(criterion_rows)
    return challenge


@transaction.atomic
def promote_demand(
    demand_id: int,
    *,
    by_user_id: int,
    bounty_wan: Decimal,
    application_deadline: dt.datetime,
    duration_months: int = 12,
    campaign_id: int | None = None,
) -> Challenge:
    """Start a draft challenge from one of the issuer's demands: its title, problem,
    objectives, field, region and contact carried over, the demand linked as source.

    The issuer completes the draft (deliverables, indicators, review criteria) before
    submitting it; the demand itself stays as it is.
    """
    demand = Demand.objects.filter(pk=demand_id).first()
    if demand is None:
        raise ChallengeError(_("This demand no longer exists."), code="not_found")
    if demand.field_id is None or demand.region_id is None:
        raise ChallengeError(
            _("Give the demand a field and a region before promoting it."),
            code="incomplete_demand",
        )
    challenge = Challenge(
        issuer_id=demand.organisation_id,
        campaign_id=campaign_id,
        source_demand=demand,
        title=demand.title,
        background=demand.problem or demand.summary,
        objectives="\n".join(str(o) for o in demand.objectives or []),
        deliverables="",
        field_id=demand.field_id,
        region_id=demand.region_id,
        bounty_wan=bounty_wan,
        duration_months=duration_months,
        application_deadline=application_deadline,
        contact_name=demand.contact_name,
        contact_phone=demand.contact_phone,
        contact_email=demand.contact_email,
        confidentiality=demand.confidentiality,
    )
    return save_challenge(challenge, by_user_id=by_user_id)


@transaction.atomic
def add_challenge_attachment(
    challenge_id: int, file: Any, *, by_user_id: int
) -> ChallengeAttachment:
    """Check ``file`` like a listing's PDF and attach it to a draft challenge."""
    from market.uploads import store_document, title_from_filename

    challenge = _lock(challenge_id)
    if challenge.status not in EDITABLE_STATUSES:
        raise ChallengeError(
            _("Files can only be added to drafts and rejected challenges."),
            code="not_editable",
        )
    try:
        document = store_document(
            file,
            title=title_from_filename(getattr(file, "name", "")),
            uploaded_by_user_id=by_user_id,
        )
    except ValidationError as error:
        raise ChallengeError(
            error.messages[0], code="bad_file", errors={"attachment": error.messages}
        ) from None
    return ChallengeAttachment.objects.create(
        challenge=challenge,
        document=document,
        sort_order=challenge.attachments.count() + 1,
    )


def missing_for_submission(
    challenge: Challenge, now: dt.datetime | None = None
) -> dict[str, str | Promise]:
    """Field name → message for what a reviewer needs that is missing or wrong."""
    missing: dict[str, str | Promise] = {}
    required = _("This field is required before submitting.")
    if not rich_text_to_plain(challenge.background):
        missing["background"] = required
    for name in ("objectives", "deliverables", "contact_name"):
        if not (getattr(challenge, name) or "").strip():
            missing[name] = required
    if not challenge.indicators.exists():
        missing["indicators"] = _("List at least one measurable indicator.")
    weights = [c.weight for c in challenge.review_criteria.all()]
    if not weights:
        missing["criteria"] = _("Set the criteria the experts score against.")
    elif sum(weights) != 100:
        missing["criteria"] = _(
            "The weights of the review criteria must add up to 100."
        )
    if challenge.application_deadline <= (now or timezone.now()):
        missing["application_deadline"] = _(
            "The application deadline has passed; choose a later one."
        )
    return missing


# -- The steps ------------------------------------------------------------------------


@transaction.atomic
def submit_challenge(
    challenge_id: int, *, by_user_id: int, now: dt.datetime | None = None
) -> Challenge:
    """Send a complete draft (or a rejected challenge) to the moderators."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    why_not = illegal_reason(challenge, "submit")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    missing = missing_for_submission(challenge, now)
    if missing:
        raise ChallengeError(
            _("Complete the required fields before submitting."),
            code="incomplete",
            errors={k: [str(v)] for k, v in missing.items()},
        )
    challenge.submitted_at = now
    challenge.rejection_reason = ""
    return _step(challenge, "submit", by_user_id=by_user_id, now=now)


@transaction.atomic
def recall_challenge(challenge_id: int, *, by_user_id: int) -> Challenge:
    """Take a submitted challenge back to draft to change it."""
    return _step(_lock(challenge_id), "recall", by_user_id=by_user_id)


@transaction.atomic
def publish_challenge(
    challenge_id: int, *, by_user_id: int, now: dt.datetime | None = None
) -> Challenge:
    """A moderator approves a submitted challenge: it is published (发榜)."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    why_not = illegal_reason(challenge, "publish")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    if challenge.application_deadline <= now:
        raise ChallengeError(
            _(
                "The application deadline (%(deadline)s) has passed; reject the "
                "challenge so that its issuer sets a later one."
            )
            % {"deadline": beijing_time(challenge.application_deadline)},
            code="deadline_passed",
        )
    challenge.published_at = now
    challenge.reviewed_at = now
    challenge.reviewed_by_id = by_user_id
    challenge.rejection_reason = ""
    return _step(challenge, "publish", by_user_id=by_user_id, now=now)


@transaction.atomic
def reject_challenge(challenge_id: int, *, by_user_id: int, reason: str) -> Challenge:
    """A moderator sends a submitted challenge back to its issuer with a reason."""
    challenge = _lock(challenge_id)
    reason = (reason or "").strip()
    if reason and not illegal_reason(challenge, "reject"):
        challenge.reviewed_at = timezone.now()
        challenge.reviewed_by_id = by_user_id
        challenge.rejection_reason = reason
    return _step(challenge, "reject", by_user_id=by_user_id, reason=reason)


@transaction.atomic
def close_challenge(challenge_id: int, *, now: dt.datetime) -> Challenge:
    """Close a published challenge for applications once its deadline has passed."""
    challenge = _lock(challenge_id)
    why_not = illegal_reason(challenge, "close")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    if challenge.application_deadline > now:
        raise ChallengeError(
            _("Applications are open until %(deadline)s.")
            % {"deadline": beijing_time(challenge.application_deadline)},
            code="deadline_not_reached",
        )
    challenge.closed_at = now
    return _step(challenge, "close", by_user_id=None, reason="deadline", now=now)


def close_due_challenges(now: dt.datetime | None = None) -> int:
    """Close every published challenge whose deadline has passed at ``now``.

    Each in its own transaction under its row lock, re-checked there: safe to run
    twice or beside a moderator's action. Returns how many were closed.
    """
    now = now or timezone.now()
    closed = 0
    ids = list(
        Challenge.objects.due_to_close(now).order_by("pk").values_list("pk", flat=True)
    )
    for challenge_id in ids:
        with transaction.atomic():
            challenge = (
                Challenge.objects.select_for_update(skip_locked=True)
                .filter(pk=challenge_id)
                .first()
            )
            if (
                challenge is None
                or challenge.status != S.PUBLISHED
                or challenge.application_deadline > now
            ):
                continue
            challenge.closed_at = now
            _step(challenge, "close", by_user_id=None, reason="deadline", now=now)
            closed += 1
    return closed


@transaction.atomic
def start_review(challenge_id: int, *, by_user_id: int | None) -> Challenge:
    """Begin the review of a closed challenge's applications."""
    return _step(_lock(challenge_id), "start_review", by_user_id=by_user_id)


@transaction.atomic
def award_challenge(
    challenge_id: int,
    *,
    application_id: int,
    by_user_id: int,
    announcement: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Award the challenge to one submitted application and open the objection period
    (公示) of the challenge's ``objection_days``."""
    from market.models import ApplicationStatus, ChallengeApplication

    now = now or timezone.now()
    challenge = _lock(challenge_id)
    why_not = illegal_reason(challenge, "award")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    application = ChallengeApplication.objects.filter(
        pk=application_id, challenge_id=challenge.pk
    ).first()
    if application is None or application.status != ApplicationStatus.SUBMITTED:
        raise ChallengeError(
            _("Only a submitted application to this challenge can be awarded."),
            code="bad_application",
        )
    challenge.awarded_application = application
    challenge.awarded_at = now
    challenge.announcement = (announcement or "").strip()
    challenge.objection_period_ends_at = now + dt.timedelta(
        days=challenge.objection_days
    )
    return _step(challenge, "award", by_user_id=by_user_id, now=now)


@transaction.atomic
def start_delivery(
    challenge_id: int, *, by_user_id: int, now: dt.datetime | None = None
) -> Challenge:
    """The awarded team starts work: only after the objection period, with every
    objection decided; the winner's milestones are agreed (started by the issuer's
    members or a moderator, ``market.services.delivery``)."""
    from market.services.delivery import (
        agree_milestones_from_award,
        require_recorder,
    )

    now = now or timezone.now()
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    why_not = illegal_reason(challenge, "start_delivery")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    if challenge.objection_period_running(now):
        assert challenge.objection_period_ends_at is not None
        raise ChallengeError(
            _("The objection period runs until %(end)s; the work can start after it.")
            % {"end": beijing_time(challenge.objection_period_ends_at)},
            code="objection_period",
        )
    # Objections raised against an earlier, revoked award do not hold this one up.
    if challenge.objections.filter(
        outcome=ObjectionOutcome.PENDING, raised_at__gte=challenge.awarded_at
    ).exists():
        raise ChallengeError(
            _("Objections to the award are still undecided."),
            code="objections_pending",
        )
    agree_milestones_from_award(challenge, by_user_id=by_user_id, now=now)
    return _step(challenge, "start_delivery", by_user_id=by_user_id, now=now)


def accept_challenge(
    challenge_id: int,
    *,
    by_user_id: int,
    reason: str = "",
    measurements: Sequence[Any] = (),
    evidence: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> Challenge:
    """Record the acceptance (验收) of the delivered work, with a measured value for
    every indicator (``market.services.delivery.accept_challenge``)."""
    from market.services import delivery

    return delivery.accept_challenge(
        challenge_id,
        by_user_id=by_user_id,
        measurements=measurements,
        reason=reason,
        evidence=evidence,
        now=now,
    )


def pay_out_challenge(
    challenge_id: int,
    *,
    by_user_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Record that the bounty has been paid (兑现) once the payouts add up to it
    (``market.services.delivery.pay_out_challenge``)."""
    from market.services import delivery

    return delivery.pay_out_challenge(
        challenge_id, by_user_id=by_user_id, reason=reason, now=now
    )


@transaction.atomic
def withdraw_challenge(challenge_id: int, *, by_user_id: int, reason: str) -> Challenge:
    """The issuer withdraws a challenge before it closes for applications."""
    return _step(_lock(challenge_id), "withdraw", by_user_id=by_user_id, reason=reason)


@transaction.atomic
def fail_challenge(challenge_id: int, *, by_user_id: int, reason: str) -> Challenge:
    """No suitable applicant: the challenge ends without a winner."""
    return _step(_lock(challenge_id), "fail", by_user_id=by_user_id, reason=reason)


@transaction.atomic
def terminate_challenge(
    challenge_id: int, *, by_user_id: int, reason: str
) -> Challenge:
    """Stop an awarded or running challenge."""
    return _step(_lock(challenge_id), "terminate", by_user_id=by_user_id, reason=reason)


# -- Objections during the public announcement ---------------------------------------


@transaction.atomic
def raise_objection(
    challenge_id: int, *, by_user_id: int, text: str, now: dt.datetime | None = None
) -> ChallengeObjection:
    """Record an objection to an award while its objection period runs."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    text = (text or "").strip()
    if challenge.status != S.AWARDED or not challenge.objection_period_running(now):
        raise ChallengeError(
            _("Objections are accepted only during the award's objection period."),
            code="no_objection_period",
        )
    if not text:
        raise ChallengeError(
            _("Say what the objection is."),
            code="text_required",
            errors={"text": [str(_("Say what the objection is."))]},
        )
    objection = ChallengeObjection.objects.create(
        challenge=challenge, raised_by_id=by_user_id, text=text, raised_at=now
    )
    challenge_objection.send(
        sender=ChallengeObjection,
        objection_id=objection.pk,
        challenge_id=challenge.pk,
        event="raised",
        by_user_id=by_user_id,
    )
    return objection


@transaction.atomic
def resolve_objection(
    objection_id: int,
    *,
    by_user_id: int,
    outcome: str,
    note: str,
    now: dt.datetime | None = None,
) -> ChallengeObjection:
    """A moderator decides an objection. Upheld, it revokes the award: the challenge
    goes back under review with the note as the reason."""
    now = now or timezone.now()
    challenge_id = (
        ChallengeObjection.objects.filter(pk=objection_id)
        .values_list("challenge_id", flat=True)
        .first()
    )
    if challenge_id is None:
        raise ChallengeError(_("This objection no longer exists."), code="not_found")
    challenge = _lock(challenge_id)
    objection = ChallengeObjection.objects.select_for_update().get(pk=objection_id)
    note = (note or "").strip()
    if objection.is_resolved:
        raise ChallengeError(
            _("This objection has already been decided."), code="already_resolved"
        )
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        raise ChallengeError(_("Uphold or dismiss the objection."), code="bad_outcome")
    if not note:
        raise ChallengeError(
            _("Explain the decision."),
            code="note_required",
            errors={"note": [str(_("Explain the decision."))]},
        )
    if outcome == ObjectionOutcome.UPHELD:
        challenge.awarded_application = None
        challenge.awarded_at = None
        challenge.objection_period_ends_at = None
        _step(challenge, "revoke_award", by_user_id=by_user_id, reason=note, now=now)
    objection.outcome = outcome
    objection.resolution_note = note
    objection.resolved_by_id = by_user_id
    objection.resolved_at = now
    objection.save()
    challenge_objection.send(
        sender=ChallengeObjection,
        objection_id=objection.pk,
        challenge_id=challenge.pk,
        event=outcome,
        by_user_id=by_user_id,
    )
    return objection
