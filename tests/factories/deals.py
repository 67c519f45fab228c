"""Factories for deals: a deal between two new organisations, at the stage asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from market.models import DEAL_STAGE_ORDER, Deal, DealMode, DealStage
from market.services.deals import StageData, create_deal, move
from tests.factories.market import DemandFactory, OutcomeFactory


def deal_at(
    stage: str = DealStage.INTENT,
    *,
    agent: Any = None,
    mode: str = DealMode.TRANSFER,
    contract: str = "120",
    transaction: str = "100",
    outcome: Any = None,
    demand: Any = None,
    on: dt.date | None = None,
) -> Deal:
    """A deal from an outcome to a demand, moved through the service to ``stage``
    (terminated: from negotiation). Dates are ``on`` (default today)."""
    outcome = outcome or OutcomeFactory()
    demand = demand or DemandFactory()
    day = on or timezone.localdate()
    deal = create_deal(
        by_user_id=agent.pk if agent else None,
        supplier_id=outcome.organisation_id,
        buyer_id=demand.organisation_id,
        mode=mode,
        agent_id=agent.pk if agent else None,
        outcome_id=outcome.pk,
        demand_id=demand.pk,
    )
    target = DealStage.NEGOTIATION if stage == DealStage.TERMINATED else stage
    steps = ["negotiate", "sign", "register", "perform", "complete"]
    for action in steps[: DEAL_STAGE_ORDER.index(target)]:
        data = StageData(
            contract_amount_wan=contract if action == "sign" else None,
            signed_on=day if action == "sign" else None,
            registration_number="2026320500001234" if action == "register" else "",
            registered_on=day if action == "register" else None,
            transaction_amount_wan=transaction if action == "register" else None,
            completed_on=day if action == "complete" else None,
        )
        deal = move(deal.pk, action, by_user_id=agent.pk if agent else None, data=data)
    if stage == DealStage.TERMINATED:
        deal = move(
            deal.pk,
            "terminate",
            by_user_id=agent.pk if agent else None,
            data=StageData(reason_code="price"),
        )
    deal.refresh_from_db()
    return deal
