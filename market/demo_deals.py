"""Demo deals (``load_demo``): deals at every stage, terminated ones too, spread over the
last twelve months, across fields, contract types and regions, carried by the demo
agent, with offers, recorded transitions and payments on some signed ones.

Each deal is walked through ``market.services.deals`` (so its transitions are real)
and keyed by its outcome and demand: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from market.models import (
    DEAL_STAGE_ORDER,
    Deal,
    DealMode,
    DealStage,
    Demand,
    ListingStatus,
    Organisation,
    Outcome,
)
from market.services.deals import (
    OfferData,
    StageData,
    accept_offer,
    create_deal,
    make_offer,
    move,
    record_payment,
    update_amounts,
)

# The organisations of the demo researcher and enterprise: their first deals are
# between these two, so their "my deals" pages are not empty.
DEMO_SUPPLIER = "江南理工大学"
DEMO_BUYER = "苏州智造精密机械有限公司"

# (final stage, contract type, contract amount in 10k CNY, days ago it was opened)
DEAL_SPECS: tuple[tuple[str, str, str, int], ...] = (
    (DealStage.INTENT, DealMode.LICENCE, "0", 12),
    (DealStage.INTENT, DealMode.TRANSFER, "0", 40),
    (DealStage.NEGOTIATION, DealMode.TRANSFER, "0", 55),
    (DealStage.NEGOTIATION, DealMode.EQUITY, "0", 90),
    (DealStage.SIGNED, DealMode.TRANSFER, "180", 120),
    (DealStage.SIGNED, DealMode.DEVELOPMENT, "260", 75),
    (DealStage.REGISTERED, DealMode.LICENCE, "95", 150),
    (DealStage.REGISTERED, DealMode.TRANSFER, "320", 200),
    (DealStage.PERFORMING, DealMode.DEVELOPMENT, "450", 240),
    (DealStage.PERFORMING, DealMode.SERVICE, "60", 280),
    (DealStage.COMPLETED, DealMode.TRANSFER, "150", 330),
    (DealStage.COMPLETED, DealMode.CONSULTING, "30", 355),
    (DealStage.TERMINATED, DealMode.LICENCE, "0", 170),
    (DealStage.TERMINATED, DealMode.TRANSFER, "0", 300),
)
STEPS = ("negotiate", "sign", "register", "perform", "complete")


def _pairs(count: int) -> list[tuple[Outcome, Demand]]:
    """Published outcomes paired with published demands of another organisation: the
    demo researcher's with the demo enterprise's first, then across the catalogue."""
    outcomes = list(
        Outcome.objects.filter(status=ListingStatus.PUBLISHED).order_by("pk")
    )
    demands = list(Demand.objects.filter(status=ListingStatus.PUBLISHED).order_by("pk"))
    supplier = Organisation.objects.filter(name=DEMO_SUPPLIER).first()
    buyer = Organisation.objects.filter(name=DEMO_BUYER).first()
    first = [o for o in outcomes if supplier and o.organisation_id == supplier.pk]
    wanted = [d for d in demands if buyer and d.organisation_id == buyer.pk]
    pairs: list[tuple[Outcome, Demand]] = []
    used_outcomes: set[int] = set()
    used_demands: set[int] = set()
    for outcome, demand in zip(first[:2], wanted[:2], strict=False):
        pairs.append((outcome, demand))
        used_outcomes.add(outcome.pk)
        used_demands.add(demand.pk)
    rest_demands = [d for d in demands if d.pk not in used_demands]
    index = 0
    for outcome in outcomes:
        if len(pairs) >= count:
            break
        if outcome.pk in used_outcomes:
            continue
        # Spread over the demands: every third one, skipping the same organisation.
        for offset in range(len(rest_demands)):
            demand = rest_demands[(index + offset) % len(rest_demands)]
            if (
                demand.organisation_id != outcome.organisation_id
                and demand.pk not in used_demands
            ):
                pairs.append((outcome, demand))
                used_outcomes.add(outcome.pk)
                used_demands.add(demand.pk)
                index = (index + 3) % max(len(rest_demands), 1)
                break
    return pairs


def load_demo_deals(*, agent_id: int | None) -> dict[str, int]:
    """Create the demo deals that do not exist yet; returns how many."""
    counts = {"deals": 0}
    if agent_id is None:
        return counts
    now = timezone.now()
    today = timezone.localdate()
    for (stage, mode, amount, days_ago), (outcome, demand) in zip(
        DEAL_SPECS, _pairs(len(DEAL_SPECS)), strict=False
    ):
        if Deal.objects.filter(outcome=outcome, demand=demand).exists():
            continue
        opened = now - dt.timedelta(days=days_ago)
        deal = create_deal(
            by_user_id=agent_id,
            supplier_id=outcome.organisation_id,
            buyer_id=demand.organisation_id,
            mode=mode,
            agent_id=agent_id,
            outcome_id=outcome.pk,
            demand_id=demand.pk,
            title=f"{outcome.title[:60]} · {demand.organisation.short_name or demand.organisation.name}"[
                :160
            ],
            now=opened,
        )
        Deal.objects.filter(pk=deal.pk).update(created_at=opened)
        _walk(deal.pk, stage, mode, Decimal(amount), opened, now, today, agent_id)
        counts["deals"] += 1
    return counts


def _walk(
    deal_id: int,
    stage: str,
    mode: str,
    amount: Decimal,
    opened: dt.datetime,
    now: dt.datetime,
    today: dt.date,
    agent_id: int,
) -> None:
    span = now - opened
    target = DealStage.NEGOTIATION if stage == DealStage.TERMINATED else stage
    steps = STEPS[: DEAL_STAGE_ORDER.index(target)]
    if DEAL_STAGE_ORDER.index(target) >= 1:
        _offers(deal_id, mode, amount, agent_id)
    for number, action in enumerate(steps, start=1):
        at = opened + span * number / (len(steps) + 1)
        day = timezone.localdate(at)
        move(
            deal_id,
            action,
            by_user_id=agent_id,
            now=at,
            data=StageData(
                signed_on=day if action == "sign" else None,
                contract_amount_wan=amount if action == "sign" else None,
                registration_number=f"2026{3205:04d}{deal_id:08d}"
                if action == "register"
                else "",
                registered_on=day if action == "register" else None,
                transaction_amount_wan=(amount * Decimal("0.9")).quantize(
                    Decimal("0.01")
                )
                if action == "register"
                else None,
                completed_on=day if action == "complete" else None,
            ),
        )
        if action == "sign":
            update_amounts(
                deal_id,
                by_user_id=agent_id,
                contract_amount_wan=amount,
                commission_rate="5",
            )
        if action == "register":
            update_amounts(
                deal_id,
                by_user_id=agent_id,
                contract_amount_wan=amount,
                transaction_amount_wan=(amount * Decimal("0.9")).quantize(
                    Decimal("0.01")
                ),
                commission_rate="5",
            )
            record_payment(
                deal_id,
                amount_wan=(amount * Decimal("0.3")).quantize(Decimal("0.01")),
                paid_on=min(day, today),
                by_user_id=agent_id,
                note="首付款",
            )
    if stage == DealStage.TERMINATED:
        move(
            deal_id,
            "terminate",
            by_user_id=agent_id,
            now=opened + span * 0.8,
            data=StageData(reason_code="price", reason="双方未就许可费率达成一致"),
        )


def _offers(deal_id: int, mode: str, amount: Decimal, agent_id: int) -> None:
    """An offer from the buyer's side recorded by the agent and the supplier's counter,
    accepted when the deal goes on to be signed."""
    base = amount if amount > 0 else Decimal("80")
    if mode == DealMode.EQUITY:
        first = OfferData(structure="equity", equity_share="8", note="以专利作价入股")
        counter = OfferData(structure="equity", equity_share="12")
    elif mode == DealMode.LICENCE:
        first = OfferData(
            structure="royalty",
            royalty_rate="3",
            royalty_base="产品净销售额",
            royalty_years=5,
            upfront_wan=str((base * Decimal("0.2")).quantize(Decimal("0.01"))),
        )
        counter = OfferData(
            structure="royalty",
            royalty_rate="4.5",
            royalty_base="产品净销售额",
            royalty_years=5,
        )
    else:
        first = OfferData(
            structure="lump_sum",
            total_wan=str((base * Decimal("0.8")).quantize(Decimal("0.01"))),
        )
        counter = OfferData(
            structure="milestones",
            upfront_wan=str((base * Decimal("0.4")).quantize(Decimal("0.01"))),
            milestones=[
                {"title": "完成中试验证", "amount_wan": str(base * Decimal("0.3"))},
                {"title": "量产交付", "amount_wan": str(base * Decimal("0.3"))},
            ],
        )
    offer = make_offer(deal_id, first, side="agent", by_user_id=agent_id)
    answer = make_offer(
        deal_id,
        counter,
        side="supplier",
        by_user_id=agent_id,
        responds_to_id=offer.pk,
    )
    if amount > 0:
        accept_offer(answer.pk, side="buyer", by_user_id=agent_id)
