"""Who hears about a deal: its stage changes, offers and payments, turned into
notifications through the one notifier (in the site, and by email after the commit).

The members of both parties and the deal's agent hear each event once, never the
person who caused it. Documents and notes tell nobody. Messages are rendered in the
site's language; amounts are the parties' own deal, so they may read them.
"""

from __future__ import annotations

from typing import Any

from accounts.models import NotificationKind
from accounts.notifications import notify, render_message
from accounts.receivers import _path, member_ids
from market.models import Deal, DealOffer, DealPayment, DealStage
from market.signals import deal_event, deal_stage_changed

OFFER_EVENTS = frozenset({"offer", "counter_offer", "offer_accepted"})


def deal_audience(deal: Deal, *, actor_id: int | None) -> set[int]:
    """Active members of both parties and the deal's agent, but the one who acted."""
    users = member_ids(deal.supplier_id) | member_ids(deal.buyer_id)
    if deal.agent is not None and deal.agent.is_active:
        users.add(deal.agent.pk)
    users.discard(actor_id)  # type: ignore[arg-type]
    return users


def _send(deal: Deal, kind: str, context: dict[str, Any], actor_id: int | None) -> None:
    recipients = deal_audience(deal, actor_id=actor_id)
    if not recipients:
        return
    subject, body = render_message(kind, {"deal": deal, **context})
    notify(
        recipients,
        kind=kind,
        subject=subject,
        body=body,
        url=_path("deals:detail", deal.pk),
    )


def _deal(deal_id: int) -> Deal | None:
    return (
        Deal.objects.select_related("supplier", "buyer", "agent")
        .filter(pk=deal_id)
        .first()
    )


def on_deal_stage_changed(
    sender: Any,
    *,
    deal_id: int,
    action: str,
    old_stage: str,
    new_stage: str,
    by_user_id: int | None,
    reason: str = "",
    **kwargs: Any,
) -> None:
    deal = _deal(deal_id)
    if deal is None:
        return
    _send(
        deal,
        NotificationKind.DEAL_STAGE,
        {
            "opened": action == "create",
            "old_stage": DealStage(old_stage).label if old_stage else "",
            "new_stage": deal.get_stage_display(),
            "reason": reason,
            "end_reason": deal.get_end_reason_code_display()
            if deal.end_reason_code
            else "",
        },
        by_user_id,
    )


def on_deal_event(
    sender: Any,
    *,
    deal_id: int,
    event: str,
    by_user_id: int | None,
    offer_id: int | None = None,
    payment_id: int | None = None,
    **kwargs: Any,
) -> None:
    if event in OFFER_EVENTS and offer_id is not None:
        offer = DealOffer.objects.filter(pk=offer_id).first()
        deal = _deal(deal_id)
        if offer is None or deal is None:
            return
        _send(
            deal,
            NotificationKind.DEAL_OFFER,
            {"offer": offer, "event": event},
            by_user_id,
        )
    elif event == "payment" and payment_id is not None:
        payment = DealPayment.objects.filter(pk=payment_id).first()
        deal = _deal(deal_id)
        if payment is None or deal is None:
            return
        _send(deal, NotificationKind.DEAL_PAYMENT, {"payment": payment}, by_user_id)


def connect() -> None:
    deal_stage_changed.connect(
        on_deal_stage_changed, dispatch_uid="accounts.notify_deal_stage"
    )
    deal_event.connect(on_deal_event, dispatch_uid="accounts.notify_deal_event")


def disconnect() -> None:
    """Off while the demo data walks its deals (like its listings and challenges)."""
    deal_stage_changed.disconnect(dispatch_uid="accounts.notify_deal_stage")
    deal_event.disconnect(dispatch_uid="accounts.notify_deal_event")
