"""The delivery of an awarded challenge: milestones agreed at the start of the work,
milestone acceptance with a measured value per indicator and evidence, the final
acceptance (验收) and the payouts (兑现).

Every service locks the challenge row first, checks that the user may record the
delivery (the issuer's members and the moderators: ``can_record_delivery``), writes
a ``DeliveryLogEntry`` (who, when, what) and announces it with ``challenge_delivery``.
Status changes (start, acceptance, payout) still go through ``_step`` and are
recorded as ``ChallengeTransition`` rows. A refusal raises ``DeliveryError`` (a
``ChallengeError``) with a message for the user and changes nothing.

*Decisions.* A milestone's due date is the start of the work (a Beijing-time date)
plus the application's month count; the last milestone must show every indicator
until the issuer chooses otherwise. The final acceptance needs a measured value for
every indicator of the challenge — from a milestone's acceptance or recorded with the
final acceptance, which wins. Payouts never add up to more than the bounty; the
challenge is paid out when they add up to the bounty, or to less with a reason
(e.g. 按约定扣减), which is kept on the step.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models import (
    Challenge,
    ChallengeIndicator,
    ChallengeStatus,
    DeliveryAction,
    DeliveryEvidence,
    DeliveryLogEntry,
    DeliveryMilestone,
    IndicatorMeasurement,
    MilestoneStatus,
    Payout,
)
from market.permissions import can_record_delivery
from market.services.challenges import (
    BEIJING,
    ChallengeError,
    IllegalChallengeTransition,
    _decimal,
    _lock,
    _step,
    illegal_reason,
)
from market.signals import challenge_delivery

S = ChallengeStatus
MAX_EVIDENCE_FILES = 10
PAYOUT_STATUSES = frozenset({S.IN_PROGRESS, S.ACCEPTED})


class DeliveryError(ChallengeError):
    """A delivery record the rules refuse; ``message`` is shown to the user."""


@dataclass(frozen=True)
class MilestonePlan:
    """One milestone as the issuer's form gives it (``milestone_id`` None: new)."""

    title: str
    deliverable: str
    due_on: dt.date | None
    indicator_ids: tuple[int, ...] = ()
    milestone_id: int | None = None


@dataclass(frozen=True)
class MeasurementData:
    """The value measured for one indicator, when, and what backs it."""

    indicator_id: int
    measured_value: Decimal | str | None
    measured_on: dt.date | None = None
    evidence_note: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def beijing_date(now: dt.datetime) -> dt.date:
    """The calendar day in Beijing at ``now``."""
    return now.astimezone(BEIJING).date()


def wan_label(amount: Decimal) -> str:
    """An amount in 10k CNY as messages show it ("37.5")."""
    return f"{amount.quantize(Decimal('0.01')).normalize():f}"


def require_recorder(challenge: Challenge, by_user_id: int | None) -> None:
    """Refuse (``DeliveryError``) anyone but the issuer's members and the moderators."""
    user = (
        get_user_model().objects.filter(pk=by_user_id, is_active=True).first()
        if by_user_id is not None
        else None
    )
    if user is None or not can_record_delivery(user, challenge):
        raise DeliveryError(
            _(
                "Only the issuer's members and the moderators record the delivery of "
                "a challenge."
            ),
            code="forbidden",
        )


def _require_in_progress(challenge: Challenge) -> None:
    if challenge.status != S.IN_PROGRESS:
        raise DeliveryError(
            _(
                "A challenge that is “%(status)s” is not being delivered; milestones "
                "are agreed and accepted while the work is in progress."
            )
            % {"status": challenge.get_status_display()},
            code="not_in_progress",
        )


def _log(
    challenge: Challenge,
    action: str,
    *,
    by_user_id: int | None,
    now: dt.datetime,
    summary: str = "",
    milestone_id: int | None = None,
    payout_id: int | None = None,
) -> DeliveryLogEntry:
    entry = DeliveryLogEntry.objects.create(
        challenge=challenge,
        action=action,
        summary=summary,
        by_user_id=by_user_id,
        at=now,
    )
    challenge_delivery.send(
        sender=DeliveryLogEntry,
        challenge_id=challenge.pk,
        event=action,
        by_user_id=by_user_id,
        milestone_id=milestone_id,
        payout_id=payout_id,
    )
    return entry


def _milestones_summary(milestones: Sequence[DeliveryMilestone]) -> str:
    return "; ".join(f"{m.title} ({m.due_on:%Y-%m-%d})" for m in milestones)


# -- Milestones -----------------------------------------------------------------------


def agree_milestones_from_award(
    challenge: Challenge, *, by_user_id: int | None, now: dt.datetime
) -> list[DeliveryMilestone]:
    """Copy the winning application's milestones onto the (locked) challenge as the
    work starts: due on the start day plus the month count; the last one must show
    every indicator. Called by ``start_delivery``."""
    application = challenge.awarded_application
    if application is None or challenge.delivery_milestones.exists():
        return list(challenge.delivery_milestones.all())
    start = beijing_date(now)
    proposed = list(application.milestones.order_by("month", "sort_order", "pk"))
    created = [
        DeliveryMilestone.objects.create(
            challenge=challenge,
            title=step.title,
            deliverable=step.deliverable,
            due_on=add_months(start, step.month),
            sort_order=position,
        )
        for position, step in enumerate(proposed, start=1)
    ]
    if created:
        created[-1].indicators.set(challenge.indicators.all())
    _log(
        challenge,
        DeliveryAction.MILESTONES_AGREED,
        by_user_id=by_user_id,
        now=now,
        summary=_milestones_summary(created),
    )
    return created


def milestones_editable(challenge: Challenge) -> bool:
    """The issuer changes the milestones while the work runs, until the first is
    accepted."""
    return (
        challenge.status == S.IN_PROGRESS
        and not challenge.delivery_milestones.filter(
            status=MilestoneStatus.ACCEPTED
        ).exists()
    )


@transaction.atomic
def save_milestones(
    challenge_id: int,
    *,
    by_user_id: int,
    milestones: Sequence[MilestonePlan],
    now: dt.datetime | None = None,
) -> list[DeliveryMilestone]:
    """Replace the challenge's milestones with ``milestones`` (rows with an id are
    changed, the others added, missing ones removed) until the first is accepted."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    _require_in_progress(challenge)
    if not milestones_editable(challenge):
        raise DeliveryError(
            _("The milestones are fixed once the first has been accepted."),
            code="milestones_fixed",
        )
    existing = {m.pk: m for m in challenge.delivery_milestones.all()}
    indicator_ids = set(challenge.indicators.values_list("pk", flat=True))
    errors: list[str] = []
    if not milestones:
        errors.append(str(_("Agree at least one milestone.")))
    for position, plan in enumerate(milestones, start=1):
        if not (plan.title or "").strip() or not (plan.deliverable or "").strip():
            errors.append(
                str(
                    _("Milestone %(n)s needs a title and a deliverable.")
                    % {"n": position}
                )
            )
        if plan.due_on is None:
            errors.append(str(_("Milestone %(n)s needs a due date.") % {"n": position}))
        if set(plan.indicator_ids) - indicator_ids:
            errors.append(
                str(
                    _("Milestone %(n)s names an indicator of another challenge.")
                    % {"n": position}
                )
            )
        if plan.milestone_id is not None and plan.milestone_id not in existing:
            errors.append(
                str(
                    _("Milestone %(n)s belongs to another challenge.") % {"n": position}
                )
            )
    kept = {p.milestone_id for p in milestones if p.milestone_id is not None}
    removed = [m for pk, m in existing.items() if pk not in kept]
    paid = [m.title for m in removed if m.payouts.exists()]
    if paid:
        errors.append(
            str(
                _("A payout refers to “%(titles)s”: it cannot be removed.")
                % {"titles": "”, “".join(paid)}
            )
        )
    if errors:
        raise DeliveryError(
            errors[0], code="invalid_milestones", errors={"milestones": errors}
        )
    for milestone in removed:
        milestone.delete()
    saved = []
    for position, plan in enumerate(milestones, start=1):
        milestone = (
            existing[plan.milestone_id]
            if plan.milestone_id is not None
            else DeliveryMilestone(challenge=challenge)
        )
        milestone.title = plan.title.strip()
        milestone.deliverable = plan.deliverable.strip()
        assert plan.due_on is not None
        milestone.due_on = plan.due_on
        milestone.sort_order = position
        milestone.save()
        milestone.indicators.set(sorted(set(plan.indicator_ids)))
        saved.append(milestone)
    _log(
        challenge,
        DeliveryAction.MILESTONES_CHANGED,
        by_user_id=by_user_id,
        now=now,
        summary=_milestones_summary(saved),
    )
    return saved


# -- Measurements and evidence --------------------------------------------------------


def _parse_measurements(
    challenge: Challenge,
    measurements: Sequence[MeasurementData],
    *,
    required: Sequence[ChallengeIndicator],
    today: dt.date,
) -> tuple[
    list[tuple[ChallengeIndicator, Decimal, dt.date, str]], dict[str, list[str]]
]:
    """The measurements that hold a value, checked; and the errors by form field
    (``indicator_<id>``). ``required`` indicators must have a value."""
    indicators = {i.pk: i for i in challenge.indicators.all()}
    rows: list[tuple[ChallengeIndicator, Decimal, dt.date, str]] = []
    errors: dict[str, list[str]] = {}
    given: set[int] = set()
    for item in measurements:
        indicator = indicators.get(item.indicator_id)
        if indicator is None:
            errors.setdefault("__all__", []).append(
                str(_("A value is for an indicator of another challenge."))
            )
            continue
        raw = item.measured_value
        if raw is None or str(raw).strip() == "":
            continue
        value = _decimal(raw)
        key = f"indicator_{indicator.pk}"
        if value is None:
            errors.setdefault(key, []).append(
                str(
                    _("“%(indicator)s”: the measured value must be a number.")
                    % {"indicator": indicator.name}
                )
            )
            continue
        measured_on = item.measured_on or today
        if measured_on > today:
            errors.setdefault(key, []).append(
                str(
                    _("“%(indicator)s”: the measurement date cannot be in the future.")
                    % {"indicator": indicator.name}
                )
            )
            continue
        given.add(indicator.pk)
        rows.append((indicator, value, measured_on, (item.evidence_note or "").strip()))
    for indicator in required:
        key = f"indicator_{indicator.pk}"
        if indicator.pk not in given and key not in errors:
            errors[key] = [
                str(
                    _("“%(indicator)s”: record the measured value.")
                    % {"indicator": indicator.name}
                )
            ]
    return rows, errors


def _store_evidence(
    challenge: Challenge,
    milestone: DeliveryMilestone | None,
    uploads: Sequence[Any],
    *,
    by_user_id: int,
    now: dt.datetime,
) -> list[DeliveryEvidence]:
    from market.uploads import store_document, title_from_filename

    if len(uploads) > MAX_EVIDENCE_FILES:
        message = _("Attach at most %(max)s evidence files at a time.") % {
            "max": MAX_EVIDENCE_FILES
        }
        raise DeliveryError(
            message, code="too_many", errors={"evidence_uploads": [str(message)]}
        )
    stored = []
    for upload in uploads:
        try:
            document = store_document(
                upload,
                title=title_from_filename(getattr(upload, "name", "")),
                uploaded_by_user_id=by_user_id,
            )
        except ValidationError as error:
            raise DeliveryError(
                error.messages[0],
                code="bad_file",
                errors={"evidence_uploads": error.messages},
            ) from None
        stored.append(
            DeliveryEvidence.objects.create(
                challenge=challenge,
                milestone=milestone,
                document=document,
                uploaded_by_id=by_user_id,
                uploaded_at=now,
            )
        )
    return stored


def _record(
    challenge: Challenge,
    milestone: DeliveryMilestone | None,
    rows: Sequence[tuple[ChallengeIndicator, Decimal, dt.date, str]],
    *,
    by_user_id: int,
    now: dt.datetime,
) -> list[IndicatorMeasurement]:
    return [
        IndicatorMeasurement.objects.create(
            challenge=challenge,
            milestone=milestone,
            indicator=indicator,
            measured_value=value,
            measured_on=measured_on,
            evidence_note=note,
            recorded_by_id=by_user_id,
            recorded_at=now,
        )
        for indicator, value, measured_on, note in rows
    ]


def _values_summary(
    rows: Sequence[tuple[ChallengeIndicator, Decimal, Any, Any]],
) -> str:
    return "; ".join(
        f"{indicator.name} {value.normalize():f} {indicator.unit}".strip()
        for indicator, value, _on, _note in rows
    )


@transaction.atomic
def accept_milestone(
    milestone_id: int,
    *,
    by_user_id: int,
    measurements: Sequence[MeasurementData],
    note: str = "",
    evidence: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> DeliveryMilestone:
    """Accept a milestone: a measured value for every indicator it must show (others
    of the challenge may be added), the evidence PDFs and a note."""
    now = now or timezone.now()
    challenge_id = (
        DeliveryMilestone.objects.filter(pk=milestone_id)
        .values_list("challenge_id", flat=True)
        .first()
    )
    if challenge_id is None:
        raise DeliveryError(_("This milestone no longer exists."), code="not_found")
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    _require_in_progress(challenge)
    milestone = DeliveryMilestone.objects.select_for_update().get(pk=milestone_id)
    if milestone.is_accepted:
        raise DeliveryError(
            _("“%(title)s” has already been accepted.") % {"title": milestone.title},
            code="already_accepted",
        )
    rows, errors = _parse_measurements(
        challenge,
        measurements,
        required=list(milestone.indicators.all()),
        today=beijing_date(now),
    )
    if errors:
        raise DeliveryError(
            next(iter(errors.values()))[0], code="invalid_measurements", errors=errors
        )
    _record(challenge, milestone, rows, by_user_id=by_user_id, now=now)
    _store_evidence(challenge, milestone, evidence, by_user_id=by_user_id, now=now)
    milestone.status = MilestoneStatus.ACCEPTED
    milestone.accepted_at = now
    milestone.accepted_by_id = by_user_id
    milestone.note = (note or "").strip()
    milestone.save()
    _log(
        challenge,
        DeliveryAction.MILESTONE_ACCEPTED,
        by_user_id=by_user_id,
        now=now,
        summary=f"{milestone.title}: {_values_summary(rows)}".rstrip(": "),
        milestone_id=milestone.pk,
    )
    return milestone


def measured_indicator_ids(challenge: Challenge) -> set[int]:
    """The indicators of the challenge some acceptance recorded a value for."""
    return set(
        IndicatorMeasurement.objects.filter(challenge=challenge).values_list(
            "indicator_id", flat=True
        )
    )


@transaction.atomic
def accept_challenge(
    challenge_id: int,
    *,
    by_user_id: int,
    measurements: Sequence[MeasurementData] = (),
    reason: str = "",
    evidence: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> Challenge:
    """The final acceptance (验收): record the values measured now (they win over the
    milestones'), the evidence, and accept the challenge — refused, naming them, while
    an indicator has no measured value."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    why_not = illegal_reason(challenge, "accept")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    rows, errors = _parse_measurements(
        challenge, measurements, required=(), today=beijing_date(now)
    )
    if errors:
        raise DeliveryError(
            next(iter(errors.values()))[0], code="invalid_measurements", errors=errors
        )
    measured = measured_indicator_ids(challenge) | {i.pk for i, *_rest in rows}
    missing = [i for i in challenge.indicators.all() if i.pk not in measured]
    if missing:
        names = "、".join(i.name for i in missing)
        raise DeliveryError(
            _(
                "Every indicator needs a measured value before the acceptance; "
                "missing: %(names)s."
            )
            % {"names": names},
            code="missing_measurements",
            errors={
                f"indicator_{i.pk}": [
                    str(
                        _("“%(indicator)s”: record the measured value.")
                        % {"indicator": i.name}
                    )
                ]
                for i in missing
            },
        )
    _record(challenge, None, rows, by_user_id=by_user_id, now=now)
    _store_evidence(challenge, None, evidence, by_user_id=by_user_id, now=now)
    _log(
        challenge,
        DeliveryAction.FINAL_ACCEPTANCE,
        by_user_id=by_user_id,
        now=now,
        summary=_values_summary(rows),
    )
    return _step(challenge, "accept", by_user_id=by_user_id, reason=reason, now=now)


# -- Payouts --------------------------------------------------------------------------


def paid_total(challenge: Challenge) -> Decimal:
    """What the recorded payouts add up to (10k CNY)."""
    total = Payout.objects.filter(challenge=challenge).aggregate(s=Sum("amount_wan"))[
        "s"
    ]
    return total or Decimal("0")


@transaction.atomic
def record_payout(
    challenge_id: int,
    *,
    by_user_id: int,
    amount_wan: Decimal | str,
    paid_on: dt.date | None,
    milestone_id: int | None = None,
    reference: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Payout:
    """Record a payment of the bounty made while the work runs or after the
    acceptance; refused when the payouts would exceed the bounty."""
    now = now or timezone.now()
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    if challenge.status not in PAYOUT_STATUSES:
        raise DeliveryError(
            _(
                "A challenge that is “%(status)s” takes no payouts; they are recorded "
                "once the work has started and until the challenge is paid out."
            )
            % {"status": challenge.get_status_display()},
            code="no_payouts",
        )
    errors: dict[str, list[str]] = {}
    amount = _decimal(amount_wan)
    if amount is None:
        errors["amount_wan"] = [str(_("Give the amount as a number."))]
    elif amount <= 0:
        errors["amount_wan"] = [str(_("The amount must be more than zero."))]
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount_wan"] = [str(_("Give the amount with two decimals at most."))]
    today = beijing_date(now)
    if paid_on is None:
        errors["paid_on"] = [str(_("Give the day it was paid."))]
    elif paid_on > today:
        errors["paid_on"] = [str(_("Record a payout once it has been made."))]
    milestone = None
    if milestone_id is not None:
        milestone = DeliveryMilestone.objects.filter(
            pk=milestone_id, challenge=challenge
        ).first()
        if milestone is None:
            errors["milestone"] = [str(_("Choose a milestone of this challenge."))]
    if not errors:
        assert amount is not None
        paid = paid_total(challenge)
        if paid + amount > challenge.bounty_wan:
            errors["amount_wan"] = [
                str(
                    _(
                        "The payouts would add up to %(total)s (10k CNY), more than "
                        "the bounty of %(bounty)s; at most %(left)s remain to be paid."
                    )
                    % {
                        "total": wan_label(paid + amount),
                        "bounty": wan_label(challenge.bounty_wan),
                        "left": wan_label(challenge.bounty_wan - paid),
                    }
                )
            ]
    if errors:
        raise DeliveryError(
            next(iter(errors.values()))[0], code="invalid_payout", errors=errors
        )
    assert amount is not None and paid_on is not None
    payout = Payout.objects.create(
        challenge=challenge,
        amount_wan=amount,
        paid_on=paid_on,
        milestone=milestone,
        reference=(reference or "").strip(),
        note=(note or "").strip(),
        recorded_by_id=by_user_id,
        recorded_at=now,
    )
    _log(
        challenge,
        DeliveryAction.PAYOUT_RECORDED,
        by_user_id=by_user_id,
        now=now,
        summary=f"{wan_label(amount)} · {paid_on:%Y-%m-%d}",
        payout_id=payout.pk,
    )
    return payout


@transaction.atomic
def pay_out_challenge(
    challenge_id: int,
    *,
    by_user_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Record that the bounty has been paid (兑现): the payouts add up to the bounty,
    or to less with the reason why (e.g. 按约定扣减)."""
    challenge = _lock(challenge_id)
    require_recorder(challenge, by_user_id)
    why_not = illegal_reason(challenge, "pay_out")
    if why_not:
        raise IllegalChallengeTransition(why_not, code="illegal_transition")
    paid = paid_total(challenge)
    reason = (reason or "").strip()
    if paid == 0:
        raise DeliveryError(
            _("Record the payouts before marking the challenge as paid out."),
            code="no_payouts",
        )
    if paid < challenge.bounty_wan and not reason:
        message = _(
            "The payouts add up to %(paid)s of the bounty of %(bounty)s (10k CNY). "
            "Record the rest, or say why less is paid (for example 按约定扣减)."
        ) % {"paid": wan_label(paid), "bounty": wan_label(challenge.bounty_wan)}
        raise DeliveryError(
            message, code="short_payout", errors={"reason": [str(message)]}
        )
    return _step(challenge, "pay_out", by_user_id=by_user_id, reason=reason, now=now)
