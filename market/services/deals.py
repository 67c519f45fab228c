"""The life of a deal: creation, stage moves, amounts, offers, payments, notes.

Every change goes through here. A stage move locks the deal row, checks the move is
legal from the current stage and that what the new stage needs is there (a signed
contract has its amount and date, a registered one its registration number), saves,
records a ``DealTransition`` and sends ``deal_stage_changed`` inside the transaction.
Refusals raise ``DealError`` with a message for the user (and per-field ``errors``),
having changed nothing.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models import (
    SIGNED_STAGES,
    Challenge,
    ChallengeStatus,
    Conversation,
    Deal,
    DealDocument,
    DealDocumentKind,
    DealFollowUp,
    DealMode,
    DealNote,
    DealOffer,
    DealPayment,
    DealSource,
    DealStage,
    DealTransition,
    Demand,
    OfferSide,
    OfferStatus,
    Organisation,
    Outcome,
    PaymentStructure,
    TerminationReason,
)
from market.services.errors import ServiceError
from market.signals import deal_event, deal_stage_changed

D = DealStage


class DealError(ServiceError):
    """A request on a deal that is refused; ``message`` is shown to the user.

    ``errors`` maps a form field to its message when the refusal concerns fields.
    """


class IllegalDealTransition(DealError):
    """The deal's current stage does not allow the requested move."""


# action → (stages it may start from, stage it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "negotiate": (frozenset({D.INTENT}), D.NEGOTIATION),
    "sign": (frozenset({D.NEGOTIATION}), D.SIGNED),
    "register": (frozenset({D.SIGNED}), D.REGISTERED),
    "perform": (frozenset({D.REGISTERED}), D.PERFORMING),
    "complete": (frozenset({D.PERFORMING}), D.COMPLETED),
    "terminate": (
        frozenset({D.INTENT, D.NEGOTIATION, D.SIGNED, D.REGISTERED, D.PERFORMING}),
        D.TERMINATED,
    ),
}
# The forward move out of each stage (the pipeline's "next" button).
NEXT_ACTION: dict[str, str] = {
    frm: action
    for action, (starts, _to) in TRANSITIONS.items()
    if action != "terminate"
    for frm in starts
}

ACTION_LABELS: dict[str, str | Promise] = {
    "negotiate": _("Start negotiating"),
    "sign": _("Record the signed contract"),
    "register": _("Record the contract registration"),
    "perform": _("Start performing"),
    "complete": _("Mark completed"),
    "terminate": _("Terminate"),
}


def _lock(deal_id: int) -> Deal:
    try:
        return Deal.objects.select_for_update().get(pk=deal_id)
    except Deal.DoesNotExist:
        raise DealError(_("This deal no longer exists."), code="not_found") from None


def parse_amount(value: Any, field: str) -> Decimal | None:
    """A non-negative amount of 10k CNY from a form or the API; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DealError(
            _("Enter a number."),
            code="invalid_amount",
            errors={field: _("Enter a number.")},
        ) from None
    if not amount.is_finite():
        raise DealError(
            _("Enter a number."),
            code="invalid_amount",
            errors={field: _("Enter a number.")},
        )
    if amount < 0:
        message = _("An amount cannot be negative.")
        raise DealError(message, code="negative_amount", errors={field: message})
    if amount >= Decimal("1e12"):
        message = _("This amount is too large.")
        raise DealError(message, code="invalid_amount", errors={field: message})
    return amount.quantize(Decimal("0.01"))


def _percent(value: Any, field: str) -> Decimal | None:
    amount = parse_amount(value, field)
    if amount is not None and amount > 100:
        message = _("A percentage is between 0 and 100.")
        raise DealError(message, code="invalid_percent", errors={field: message})
    return amount


def illegal_reason(deal: Deal, action: str) -> str:
    """Why ``action`` cannot start from the deal's stage, or ''."""
    if action not in TRANSITIONS:
        return str(_("Unknown step."))
    allowed_from, _target = TRANSITIONS[action]
    if deal.stage in allowed_from:
        return ""
    return str(
        _("A deal at the stage “%(stage)s” cannot take the step “%(action)s”.")
        % {"stage": deal.get_stage_display(), "action": ACTION_LABELS[action]}
    )


def _require(errors: dict[str, Any], deal: Deal, name: str, message: Any) -> None:
    # A value given but refused (negative, not a number) keeps its own message.
    if getattr(deal, name) in (None, ""):
        errors.setdefault(name, message)


@dataclass(frozen=True)
class StageData:
    """What a move may bring along: dates, amounts, the registration, a reason."""

    reason: str = ""
    reason_code: str = ""
    signed_on: dt.date | None = None
    contract_amount_wan: Any = None
    transaction_amount_wan: Any = None
    registration_number: str = ""
    registered_on: dt.date | None = None
    completed_on: dt.date | None = None


def move(
    deal_id: int,
    action: str,
    *,
    by_user_id: int | None,
    data: StageData | None = None,
    now: dt.datetime | None = None,
) -> Deal:
    """Move a deal one step; refuses illegal moves and missing facts, changing nothing."""
    data = data or StageData()
    now = now or timezone.now()
    with transaction.atomic():
        deal = _lock(deal_id)
        why_not = illegal_reason(deal, action)
        if why_not:
            raise IllegalDealTransition(why_not, code="illegal_transition")
        errors: dict[str, Any] = {}
        contract = _field_amount(
            data.contract_amount_wan, "contract_amount_wan", errors
        )
        transaction_amount = _field_amount(
            data.transaction_amount_wan, "transaction_amount_wan", errors
        )
        if contract is not None:
            deal.contract_amount_wan = contract
        if transaction_amount is not None:
            deal.transaction_amount_wan = transaction_amount
        today = timezone.localdate(now)
        if action == "sign":
            deal.signed_on = data.signed_on or deal.signed_on
            _require(
                errors, deal, "signed_on", _("Give the date the contract was signed.")
            )
            _require(
                errors, deal, "contract_amount_wan", _("Give the contract amount.")
            )
        elif action == "register":
            number = (data.registration_number or "").strip()
            if number:
                deal.registration_number = number[:60]
            deal.registered_on = data.registered_on or deal.registered_on
            _require(
                errors,
                deal,
                "registration_number",
                _("Give the registration number of the technology contract."),
            )
            _require(errors, deal, "registered_on", _("Give the registration date."))
            _require(
                errors,
                deal,
                "transaction_amount_wan",
                _("Give the technology transaction amount the registration certifies."),
            )
        elif action == "complete":
            deal.completed_on = data.completed_on or today
        elif action == "terminate":
            code = (data.reason_code or "").strip()
            if code not in TerminationReason.values:
                errors["reason_code"] = _("Choose why the deal ends.")
            elif code == TerminationReason.OTHER and not data.reason.strip():
                errors["reason"] = _("Say why the deal ends.")
            deal.end_reason_code = code
            deal.end_reason = data.reason.strip()
        for name in ("signed_on", "registered_on", "completed_on"):
            value = getattr(deal, name)
            if value is not None and value > today:
                errors[name] = _("This date is in the future.")
        if (
            deal.signed_on
            and deal.registered_on
            and deal.registered_on < deal.signed_on
            and "registered_on" not in errors
        ):
            errors["registered_on"] = _("A contract is registered after it is signed.")
        _check_amounts(deal, errors)
        if errors:
            raise DealError(
                _("The deal was not moved: correct the fields marked."),
                code="missing_facts",
                errors=errors,
            )
        old = deal.stage
        target = TRANSITIONS[action][1]
        deal.stage = target
        deal.stage_changed_at = now
        deal.save()
        DealTransition.objects.create(
            deal=deal,
            from_stage=old,
            to_stage=target,
            by_user_id=by_user_id,
            at=now,
            reason=data.reason.strip(),
        )
        deal_stage_changed.send(
            sender=Deal,
            deal_id=deal.pk,
            action=action,
            old_stage=old,
            new_stage=target,
            by_user_id=by_user_id,
            reason=data.reason.strip(),
        )
    return deal


def _field_amount(value: Any, field: str, errors: dict[str, Any]) -> Decimal | None:
    try:
        return parse_amount(value, field)
    except DealError as error:
        errors.update(error.errors)
        return None


def _check_amounts(deal: Deal, errors: dict[str, Any]) -> None:
    if (
        deal.contract_amount_wan is not None
        and deal.transaction_amount_wan is not None
        and deal.transaction_amount_wan > deal.contract_amount_wan
        and "transaction_amount_wan" not in errors
    ):
        errors["transaction_amount_wan"] = _(
            "The technology transaction amount cannot exceed the contract amount."
        )


def update_amounts(
    deal_id: int,
    *,
    by_user_id: int | None,
    contract_amount_wan: Any = None,
    transaction_amount_wan: Any = None,
    commission_rate: Any = None,
    commission_fixed_wan: Any = None,
) -> Deal:
    """Set the deal's amounts and the agent's commission (rate or fixed, not both)."""
    errors: dict[str, Any] = {}
    contract = _field_amount(contract_amount_wan, "contract_amount_wan", errors)
    transaction_amount = _field_amount(
        transaction_amount_wan, "transaction_amount_wan", errors
    )
    fixed = _field_amount(commission_fixed_wan, "commission_fixed_wan", errors)
    try:
        rate = _percent(commission_rate, "commission_rate")
    except DealError as error:
        errors.update(error.errors)
        rate = None
    if rate is not None and fixed is not None:
        errors["commission_fixed_wan"] = _(
            "Give either a commission rate or a fixed commission, not both."
        )
    with transaction.atomic():
        deal = _lock(deal_id)
        deal.contract_amount_wan = contract
        deal.transaction_amount_wan = transaction_amount
        deal.commission_rate = rate
        deal.commission_fixed_wan = fixed
        if deal.stage in SIGNED_STAGES and contract is None:
            errors["contract_amount_wan"] = _(
                "A signed deal keeps its contract amount."
            )
        if deal.stage in {D.REGISTERED, D.PERFORMING, D.COMPLETED} and (
            transaction_amount is None
        ):
            errors["transaction_amount_wan"] = _(
                "A registered deal keeps its technology transaction amount."
            )
        _check_amounts(deal, errors)
        if errors:
            raise DealError(
                _("The amounts were not saved: correct the fields marked."),
                errors=errors,
            )
        deal.save(
            update_fields=[
                "contract_amount_wan",
                "transaction_amount_wan",
                "commission_rate",
                "commission_fixed_wan",
                "updated_at",
            ]
        )
    return deal


# -- Creation ---------------------------------------------------------------------------


def _region_of(listing: Outcome | Demand | None) -> int | None:
    return listing.region_id if listing is not None else None


def create_deal(
    *,
    by_user_id: int | None,
    supplier_id: int,
    buyer_id: int,
    mode: str,
    title: str = "",
    agent_id: int | None = None,
    source: str = DealSource.AGENT,
    outcome_id: int | None = None,
    demand_id: int | None = None,
    challenge_id: int | None = None,
    conversation_id: int | None = None,
    field_id: int | None = None,
    now: dt.datetime | None = None,
) -> Deal:
    """Open a deal at the intention stage, with its first recorded transition."""
    errors: dict[str, Any] = {}
    if mode not in DealMode.values:
        errors["mode"] = _("Choose the contract type.")
    if source not in DealSource.values:
        errors["source"] = _("Unknown source.")
    if supplier_id == buyer_id:
        errors["buyer"] = _("The buyer must be another organisation than the supplier.")
    organisations = set(
        Organisation.objects.filter(pk__in=[supplier_id, buyer_id]).values_list(
            "pk", flat=True
        )
    )
    if supplier_id not in organisations:
        errors["supplier"] = _("Choose an existing organisation.")
    if buyer_id not in organisations:
        errors["buyer"] = errors.get("buyer") or _("Choose an existing organisation.")
    outcome = (
        Outcome.objects.filter(pk=outcome_id).first()
        if outcome_id is not None
        else None
    )
    demand = (
        Demand.objects.filter(pk=demand_id).first() if demand_id is not None else None
    )
    if outcome_id is not None and outcome is None:
        errors["outcome"] = _("This outcome does not exist.")
    if demand_id is not None and demand is None:
        errors["demand"] = _("This demand does not exist.")
    if outcome is not None and outcome.organisation_id != supplier_id:
        errors["outcome"] = _("The outcome must be the supplier's.")
    if demand is not None and demand.organisation_id != buyer_id:
        errors["demand"] = _("The demand must be the buyer's.")
    title = (title or "").strip()[:160]
    if not title:
        title = (outcome.title if outcome else demand.title if demand else "")[:160]
    if not title:
        errors["title"] = _("Give the deal a title.")
    if errors:
        raise DealError(
            _("The deal was not created: correct the fields marked."), errors=errors
        )
    if field_id is None:
        field_id = (outcome.field_id if outcome else None) or (
            demand.field_id if demand else None
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            deal = Deal.objects.create(
                title=title,
                supplier_id=supplier_id,
                buyer_id=buyer_id,
                supplier_region_id=_region_of(outcome),
                buyer_region_id=_region_of(demand),
                field_id=field_id,
                agent_id=agent_id,
                mode=mode,
                source=source,
                outcome=outcome,
                demand=demand,
                challenge_id=challenge_id,
                conversation_id=conversation_id,
                stage=D.INTENT,
                stage_changed_at=now,
                created_by_id=by_user_id,
            )
            DealTransition.objects.create(
                deal=deal,
                from_stage="",
                to_stage=D.INTENT,
                by_user_id=by_user_id,
                at=now,
            )
            deal_stage_changed.send(
                sender=Deal,
                deal_id=deal.pk,
                action="create",
                old_stage="",
                new_stage=D.INTENT,
                by_user_id=by_user_id,
                reason="",
            )
    except IntegrityError:
        raise DealError(
            _("An open deal already exists for this introduction or challenge."),
            code="duplicate",
        ) from None
    return deal


def create_from_conversation(
    conversation_id: int, *, by_user_id: int | None, agent_id: int | None, mode: str
) -> Deal:
    """A deal from a conversation between an outcome's and a demand's owners (the
    matcher's introduction): the outcome's organisation supplies, the demand's buys."""
    conversation = (
        Conversation.objects.select_related("listing", "other_listing")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise DealError(_("This conversation does not exist."), code="not_found")
    listings = [conversation.listing, conversation.other_listing]
    outcome = next((x for x in listings if x is not None and x.kind == "outcome"), None)
    demand = next((x for x in listings if x is not None and x.kind == "demand"), None)
    if outcome is None or demand is None:
        raise DealError(
            _("Only a conversation between an outcome and a demand becomes a deal."),
            code="not_a_pairing",
        )
    return create_deal(
        by_user_id=by_user_id,
        supplier_id=outcome.organisation_id,
        buyer_id=demand.organisation_id,
        mode=mode,
        agent_id=agent_id or conversation.agent_id,
        source=DealSource.INTRODUCTION,
        outcome_id=outcome.pk,
        demand_id=demand.pk,
        conversation_id=conversation.pk,
    )


def create_from_award(
    challenge_id: int, *, by_user_id: int | None, agent_id: int | None = None
) -> Deal:
    """A technology development deal from an awarded challenge: the winning team's lead
    organisation supplies, the issuer buys; the bounty is the contract amount offered."""
    challenge = (
        Challenge.objects.select_related("awarded_application")
        .filter(pk=challenge_id)
        .first()
    )
    if challenge is None:
        raise DealError(_("This challenge does not exist."), code="not_found")
    application = challenge.awarded_application
    awarded = {
        ChallengeStatus.AWARDED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.ACCEPTED,
        ChallengeStatus.PAID_OUT,
    }
    if application is None or challenge.status not in awarded:
        raise DealError(
            _("Only an awarded challenge becomes a deal."), code="not_awarded"
        )
    deal = create_deal(
        by_user_id=by_user_id,
        supplier_id=application.lead_organisation_id,
        buyer_id=challenge.issuer_id,
        mode=DealMode.DEVELOPMENT,
        title=challenge.title,
        agent_id=agent_id,
        source=DealSource.CHALLENGE,
        challenge_id=challenge.pk,
        field_id=challenge.field_id,
    )
    Deal.objects.filter(pk=deal.pk).update(buyer_region_id=challenge.region_id)
    deal.buyer_region_id = challenge.region_id
    return deal


# -- Offers and comparables ---------------------------------------------------------------


@dataclass(frozen=True)
class OfferData:
    structure: str
    total_wan: Any = None
    upfront_wan: Any = None
    milestones: Sequence[dict[str, Any]] = ()
    royalty_rate: Any = None
    royalty_base: str = ""
    royalty_years: Any = None
    equity_share: Any = None
    note: str = ""


def _offer_fields(data: OfferData) -> tuple[dict[str, Any], dict[str, Any]]:
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {"structure": data.structure, "note": data.note.strip()}
    if data.structure not in PaymentStructure.values:
        errors["structure"] = _("Choose a payment structure.")
    values["total_wan"] = _field_amount(data.total_wan, "total_wan", errors)
    values["upfront_wan"] = _field_amount(data.upfront_wan, "upfront_wan", errors)
    if data.structure == PaymentStructure.LUMP_SUM and values["total_wan"] is None:
        errors.setdefault("total_wan", _("Give the amount."))
    if data.structure == PaymentStructure.MILESTONES:
        rows: list[dict[str, str]] = []
        for index, row in enumerate(data.milestones):
            title = str(row.get("title", "")).strip()[:120]
            amount = _field_amount(row.get("amount_wan"), f"milestones.{index}", errors)
            if not title or amount is None:
                errors.setdefault(
                    "milestones",
                    _("Each milestone payment needs a title and an amount."),
                )
                continue
            rows.append({"title": title, "amount_wan": f"{amount:f}"})
        if not rows:
            errors.setdefault("milestones", _("Give at least one milestone payment."))
        values["milestones"] = rows
        if rows and "milestones" not in errors:
            total = sum((Decimal(r["amount_wan"]) for r in rows), Decimal("0"))
            values["total_wan"] = total + (values["upfront_wan"] or Decimal("0"))
    if data.structure == PaymentStructure.ROYALTY:
        try:
            values["royalty_rate"] = _percent(data.royalty_rate, "royalty_rate")
        except DealError as error:
            errors.update(error.errors)
        if values.get("royalty_rate") is None:
            errors.setdefault("royalty_rate", _("Give the royalty rate."))
        values["royalty_base"] = data.royalty_base.strip()[:120]
        if not values["royalty_base"]:
            errors["royalty_base"] = _("Say what the royalty is a share of.")
        try:
            years = (
                int(data.royalty_years) if data.royalty_years not in (None, "") else 0
            )
        except (TypeError, ValueError):
            years = 0
        if not 1 <= years <= 50:
            errors["royalty_years"] = _("Give the term in years (1 to 50).")
        values["royalty_years"] = years or None
    if data.structure == PaymentStructure.EQUITY:
        try:
            values["equity_share"] = _percent(data.equity_share, "equity_share")
        except DealError as error:
            errors.update(error.errors)
        if not values.get("equity_share"):
            errors.setdefault("equity_share", _("Give the equity share."))
    if (
        values.get("upfront_wan") is not None
        and values.get("total_wan") is not None
        and values["upfront_wan"] > values["total_wan"]
    ):
        errors["upfront_wan"] = _("The payment on signing cannot exceed the total.")
    return values, errors


def make_offer(
    deal_id: int,
    data: OfferData,
    *,
    side: str,
    by_user_id: int | None,
    responds_to_id: int | None = None,
) -> DealOffer:
    """Record an offer (or a counter-offer to ``responds_to_id``) on an open deal."""
    if side not in OfferSide.values:
        raise DealError(_("Unknown side."), code="invalid_side")
    values, errors = _offer_fields(data)
    if errors:
        raise DealError(
            _("The offer was not made: correct the fields marked."), errors=errors
        )
    with transaction.atomic():
        deal = _lock(deal_id)
        if deal.stage not in {D.INTENT, D.NEGOTIATION}:
            raise DealError(
                _("Offers are made before the contract is signed."), code="closed"
            )
        previous = None
        if responds_to_id is not None:
            previous = (
                DealOffer.objects.select_for_update()
                .filter(pk=responds_to_id, deal=deal)
                .first()
            )
            if previous is None or previous.status != OfferStatus.OPEN:
                raise DealError(
                    _("That offer is no longer open."), code="offer_not_open"
                )
            if previous.side == side:
                raise DealError(
                    _("A counter-offer answers the other side's offer."),
                    code="own_offer",
                )
            previous.status = OfferStatus.COUNTERED
            previous.decided_at = timezone.now()
            previous.save(update_fields=["status", "decided_at"])
        offer = DealOffer.objects.create(
            deal=deal, side=side, by_user_id=by_user_id, responds_to=previous, **values
        )
        deal_event.send(
            sender=Deal,
            deal_id=deal.pk,
            event="counter_offer" if previous else "offer",
            by_user_id=by_user_id,
            offer_id=offer.pk,
        )
    return offer


def accept_offer(offer_id: int, *, side: str, by_user_id: int | None) -> DealOffer:
    """The other side accepts an open offer; its total becomes the contract amount
    proposed for signing when the deal has none yet."""
    with transaction.atomic():
        offer = DealOffer.objects.select_for_update().filter(pk=offer_id).first()
        if offer is None:
            raise DealError(_("This offer does not exist."), code="not_found")
        deal = _lock(offer.deal_id)
        if offer.status != OfferStatus.OPEN:
            raise DealError(_("That offer is no longer open."), code="offer_not_open")
        if offer.side == side:
            raise DealError(
                _("The other side accepts an offer, not the one who made it."),
                code="own_offer",
            )
        if deal.stage not in {D.INTENT, D.NEGOTIATION}:
            raise DealError(
                _("Offers are made before the contract is signed."), code="closed"
            )
        now = timezone.now()
        offer.status = OfferStatus.ACCEPTED
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at"])
        DealOffer.objects.filter(deal=deal, status=OfferStatus.OPEN).exclude(
            pk=offer.pk
        ).update(status=OfferStatus.WITHDRAWN, decided_at=now)
        if deal.contract_amount_wan is None and offer.total_wan is not None:
            deal.contract_amount_wan = offer.total_wan
            deal.save(update_fields=["contract_amount_wan", "updated_at"])
        deal_event.send(
            sender=Deal,
            deal_id=deal.pk,
            event="offer_accepted",
            by_user_id=by_user_id,
            offer_id=offer.pk,
        )
    return offer


@dataclass(frozen=True)
class Comparables:
    """Past signed deals of the same field and mode: how many, and (only when there
    are enough not to reveal one deal) the median and range of their amounts."""

    count: int
    median_wan: Decimal | None
    low_wan: Decimal | None
    high_wan: Decimal | None
    shown: bool


def comparables(deal: Deal) -> Comparables:
    """Signed deals (any party) in the deal's field and mode, the deal itself excluded.

    Amounts are the contract amounts; never names. Below
    ``DEAL_COMPARABLES_MIN`` deals the figures stay hidden (with two deals,
    one party of each could work out the other's price).
    """
    amounts = sorted(
        Deal.objects.filter(
            stage__in=SIGNED_STAGES,
            mode=deal.mode,
            field_id=deal.field_id,
            contract_amount_wan__isnull=False,
        )
        .exclude(pk=deal.pk)
        .values_list("contract_amount_wan", flat=True)
    )
    minimum = getattr(settings, "DEAL_COMPARABLES_MIN", 3)
    if len(amounts) < max(minimum, 1):
        return Comparables(len(amounts), None, None, None, shown=False)
    median = Decimal(statistics.median(amounts)).quantize(Decimal("0.01"))
    return Comparables(len(amounts), median, amounts[0], amounts[-1], shown=True)


# -- Payments, notes, follow-ups ----------------------------------------------------------


def record_payment(
    deal_id: int,
    *,
    amount_wan: Any,
    paid_on: dt.date | None,
    by_user_id: int | None,
    note: str = "",
) -> DealPayment:
    """A payment received under a signed contract."""
    errors: dict[str, Any] = {}
    amount = _field_amount(amount_wan, "amount_wan", errors)
    if amount is not None and amount <= 0:
        errors["amount_wan"] = _("A payment is more than zero.")
    if amount is None and "amount_wan" not in errors:
        errors["amount_wan"] = _("Give the amount.")
    if paid_on is None:
        errors["paid_on"] = _("Give the date of payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("This date is in the future.")
    if errors:
        raise DealError(
            _("The payment was not recorded: correct the fields marked."), errors=errors
        )
    assert amount is not None and paid_on is not None
    with transaction.atomic():
        deal = _lock(deal_id)
        if deal.stage not in SIGNED_STAGES:
            raise DealError(
                _("Payments are recorded once the contract is signed."),
                code="not_signed",
            )
        payment = DealPayment.objects.create(
            deal=deal,
            amount_wan=amount,
            paid_on=paid_on,
            note=note.strip()[:200],
            recorded_by_id=by_user_id,
        )
        deal_event.send(
            sender=Deal,
            deal_id=deal.pk,
            event="payment",
            by_user_id=by_user_id,
            payment_id=payment.pk,
        )
    return payment


def add_note(deal_id: int, *, body: str, by_user_id: int) -> DealNote:
    body = (body or "").strip()
    if not body:
        raise DealError(_("Write the note."), errors={"body": _("Write the note.")})
    if not Deal.objects.filter(pk=deal_id).exists():
        raise DealError(_("This deal no longer exists."), code="not_found")
    return DealNote.objects.create(
        deal_id=deal_id, author_id=by_user_id, body=body[:5000]
    )


def set_follow_up(
    deal_id: int, *, agent_id: int, due_at: dt.datetime | None, what: str
) -> DealFollowUp:
    errors: dict[str, Any] = {}
    what = (what or "").strip()
    if not what:
        errors["what"] = _("Say what to follow up.")
    if due_at is None:
        errors["due_at"] = _("Give when.")
    elif due_at <= timezone.now():
        errors["due_at"] = _("A follow-up is set in the future.")
    if errors:
        raise DealError(
            _("The follow-up was not set: correct the fields marked."), errors=errors
        )
    if not Deal.objects.filter(pk=deal_id).exists():
        raise DealError(_("This deal no longer exists."), code="not_found")
    assert due_at is not None
    return DealFollowUp.objects.create(
        deal_id=deal_id, agent_id=agent_id, due_at=due_at, what=what[:200]
    )


def finish_follow_up(follow_up_id: int, *, agent_id: int) -> DealFollowUp:
    """The agent marks their follow-up done (no reminder is sent afterwards)."""
    with transaction.atomic():
        follow_up = (
            DealFollowUp.objects.select_for_update()
            .filter(pk=follow_up_id, agent_id=agent_id)
            .first()
        )
        if follow_up is None:
            raise DealError(_("This follow-up does not exist."), code="not_found")
        if follow_up.done_at is None:
            follow_up.done_at = timezone.now()
            follow_up.save(update_fields=["done_at"])
    return follow_up


# -- Documents ---------------------------------------------------------------------------

MAX_DEAL_DOCUMENTS_AT_ONCE = 10


def add_documents(
    deal_id: int, files: Sequence[Any], *, kind: str, by_user_id: int | None
) -> list[DealDocument]:
    """Check each PDF like a listing's upload and attach them to the deal; any bad
    file refuses the whole upload (nothing stored)."""
    from django.core.exceptions import ValidationError

    from market.uploads import store_document, title_from_filename

    errors: dict[str, Any] = {}
    if kind not in DealDocumentKind.values:
        errors["kind"] = _("Choose what the document is.")
    if not files:
        errors["files"] = _("Choose a PDF file.")
    elif len(files) > MAX_DEAL_DOCUMENTS_AT_ONCE:
        errors["files"] = _("Attach at most %(max)s files at a time.") % {
            "max": MAX_DEAL_DOCUMENTS_AT_ONCE
        }
    if errors:
        raise DealError(
            _("Nothing was uploaded: correct the fields marked."), errors=errors
        )
    stored: list[DealDocument] = []
    with transaction.atomic():
        deal = _lock(deal_id)
        for upload in files:
            name = getattr(upload, "name", "") or ""
            try:
                document = store_document(
                    upload,
                    title=title_from_filename(name),
                    uploaded_by_user_id=by_user_id,
                )
            except ValidationError as error:
                raise DealError(
                    _("Nothing was uploaded: correct the fields marked."),
                    code="invalid_file",
                    errors={"files": [f"{name}: {m}" for m in error.messages]},
                ) from None
            row = DealDocument.objects.create(
                deal=deal, kind=kind, document=document, uploaded_by_id=by_user_id
            )
            stored.append(row)
            deal_event.send(
                sender=Deal,
                deal_id=deal.pk,
                event="document",
                by_user_id=by_user_id,
                document_id=row.pk,
            )
    return stored
