"""Deals: legal stage moves only, each recorded; amounts never negative; commission;
offers and counter-offers kept as history; comparables without names; payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Role
from market import permissions
from market.models import (
    Deal,
    DealMode,
    DealOffer,
    DealStage,
    DealTransition,
    OfferStatus,
    PaymentStructure,
)
from market.services import deals
from market.services.deals import DealError, OfferData, StageData
from market.signals import deal_stage_changed
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.deals import deal_at
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(role_groups):
    return UserFactory(roles=[Role.AGENT])


def test_a_deal_walks_every_stage_and_each_move_is_recorded(agent):
    deal = deal_at(DealStage.COMPLETED, agent=agent)

    steps = list(
        DealTransition.objects.filter(deal=deal).values_list(
            "from_stage", "to_stage", "by_user_id"
        )
    )
    assert steps == [
        ("", "intent", agent.pk),
        ("intent", "negotiation", agent.pk),
        ("negotiation", "signed", agent.pk),
        ("signed", "registered", agent.pk),
        ("registered", "performing", agent.pk),
        ("performing", "completed", agent.pk),
    ]
    assert deal.registration_number == "2026320500001234"
    assert deal.contract_amount_wan == Decimal("120.00")
    assert deal.completed_on == timezone.localdate()


def test_an_illegal_move_is_refused_and_changes_nothing(agent):
    deal = deal_at(DealStage.INTENT, agent=agent)

    with pytest.raises(deals.IllegalDealTransition) as refused:
        deals.move(deal.pk, "register", by_user_id=agent.pk)
    assert "意向" in refused.value.message or "Intention" in str(refused.value.message)
    with pytest.raises(DealError):
        deals.move(deal.pk, "no_such_step", by_user_id=agent.pk)

    deal.refresh_from_db()
    assert deal.stage == DealStage.INTENT
    assert deal.transitions.count() == 1


def test_signing_needs_the_amount_and_date_and_refuses_negative_amounts(agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)

    with pytest.raises(DealError) as missing:
        deals.move(deal.pk, "sign", by_user_id=agent.pk)
    assert set(missing.value.errors) == {"signed_on", "contract_amount_wan"}

    with pytest.raises(DealError) as negative:
        deals.move(
            deal.pk,
            "sign",
            by_user_id=agent.pk,
            data=StageData(contract_amount_wan="-5", signed_on=timezone.localdate()),
        )
    assert "contract_amount_wan" in negative.value.errors
    with pytest.raises(DealError) as words:
        deals.move(
            deal.pk,
            "sign",
            by_user_id=agent.pk,
            data=StageData(contract_amount_wan="abc", signed_on=timezone.localdate()),
        )
    assert "contract_amount_wan" in words.value.errors

    deal.refresh_from_db()
    assert deal.stage == DealStage.NEGOTIATION
    assert deal.contract_amount_wan is None


def test_registration_needs_number_date_and_a_transaction_amount_within_the_contract(
    agent,
):
    deal = deal_at(DealStage.SIGNED, agent=agent, contract="80")
    today = timezone.localdate()

    with pytest.raises(DealError) as missing:
        deals.move(deal.pk, "register", by_user_id=agent.pk)
    assert {"registration_number", "registered_on", "transaction_amount_wan"} <= set(
        missing.value.errors
    )
    with pytest.raises(DealError) as too_much:
        deals.move(
            deal.pk,
            "register",
            by_user_id=agent.pk,
            data=StageData(
                registration_number="R-1",
                registered_on=today,
                transaction_amount_wan="90",
            ),
        )
    assert "transaction_amount_wan" in too_much.value.errors
    with pytest.raises(DealError) as future:
        deals.move(
            deal.pk,
            "register",
            by_user_id=agent.pk,
            data=StageData(
                registration_number="R-1",
                registered_on=today + dt.timedelta(days=3),
                transaction_amount_wan="60",
            ),
        )
    assert "registered_on" in future.value.errors

    deal.refresh_from_db()
    assert (deal.stage, deal.registration_number) == (DealStage.SIGNED, "")


def test_termination_needs_a_reason_code_and_ends_the_deal(agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    with pytest.raises(DealError) as refused:
        deals.move(deal.pk, "terminate", by_user_id=agent.pk)
    assert "reason_code" in refused.value.errors
    with pytest.raises(DealError) as other:
        deals.move(
            deal.pk,
            "terminate",
            by_user_id=agent.pk,
            data=StageData(reason_code="other"),
        )
    assert "reason" in other.value.errors

    deals.move(
        deal.pk,
        "terminate",
        by_user_id=agent.pk,
        data=StageData(reason_code="price", reason="买方预算不足"),
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.end_reason_code) == (DealStage.TERMINATED, "price")
    assert deal.transitions.last().reason == "买方预算不足"
    with pytest.raises(deals.IllegalDealTransition):
        deals.move(deal.pk, "negotiate", by_user_id=agent.pk)


def test_each_move_is_announced_inside_its_transaction(agent):
    deal = deal_at(DealStage.INTENT, agent=agent)
    heard: list[tuple[str, str]] = []

    def receiver(sender, **kwargs):
        heard.append((kwargs["old_stage"], kwargs["new_stage"]))

    deal_stage_changed.connect(receiver)
    try:
        deals.move(deal.pk, "negotiate", by_user_id=agent.pk)
    finally:
        deal_stage_changed.disconnect(receiver)
    assert heard == [("intent", "negotiation")]


def test_the_database_refuses_negative_amounts_and_one_party_deals():
    deal = deal_at(DealStage.INTENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(contract_amount_wan=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.filter(pk=deal.pk).update(buyer_id=deal.supplier_id)


def test_commission_is_the_fixed_sum_or_the_rate_of_the_transaction_amount(agent):
    deal = deal_at(DealStage.REGISTERED, agent=agent, contract="120", transaction="100")

    deals.update_amounts(
        deal.pk,
        by_user_id=agent.pk,
        contract_amount_wan="120",
        transaction_amount_wan="100",
        commission_rate="3.5",
    )
    deal.refresh_from_db()
    assert deal.commission_wan == Decimal("3.50")

    deals.update_amounts(
        deal.pk,
        by_user_id=agent.pk,
        contract_amount_wan="120",
        transaction_amount_wan="100",
        commission_fixed_wan="8",
    )
    deal.refresh_from_db()
    assert deal.commission_wan == Decimal("8.00")

    with pytest.raises(DealError) as both:
        deals.update_amounts(
            deal.pk,
            by_user_id=agent.pk,
            contract_amount_wan="120",
            transaction_amount_wan="100",
            commission_rate="2",
            commission_fixed_wan="8",
        )
    assert "commission_fixed_wan" in both.value.errors
    with pytest.raises(DealError) as rate:
        deals.update_amounts(
            deal.pk,
            by_user_id=agent.pk,
            contract_amount_wan="120",
            transaction_amount_wan="100",
            commission_rate="120",
        )
    assert "commission_rate" in rate.value.errors
    with pytest.raises(DealError) as dropped:
        deals.update_amounts(deal.pk, by_user_id=agent.pk, commission_rate="2")
    assert {"contract_amount_wan", "transaction_amount_wan"} <= set(
        dropped.value.errors
    )
    deal.refresh_from_db()
    assert deal.commission_fixed_wan == Decimal("8.00")
    assert deal.contract_amount_wan == Decimal("120.00")


def test_offers_and_counter_offers_stay_as_history_and_acceptance_sets_the_amount(
    agent,
):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    first = deals.make_offer(
        deal.pk,
        OfferData(structure=PaymentStructure.LUMP_SUM, total_wan="200"),
        side="supplier",
        by_user_id=None,
    )
    counter = deals.make_offer(
        deal.pk,
        OfferData(
            structure=PaymentStructure.MILESTONES,
            upfront_wan="20",
            milestones=[
                {"title": "小试", "amount_wan": "50"},
                {"title": "中试", "amount_wan": "80"},
            ],
        ),
        side="buyer",
        by_user_id=None,
        responds_to_id=first.pk,
    )
    assert counter.total_wan == Decimal("150.00")
    with pytest.raises(DealError):  # the buyer cannot accept its own offer
        deals.accept_offer(counter.pk, side="buyer", by_user_id=None)

    deals.accept_offer(counter.pk, side="supplier", by_user_id=None)

    first.refresh_from_db()
    counter.refresh_from_db()
    deal.refresh_from_db()
    assert (first.status, counter.status) == (
        OfferStatus.COUNTERED,
        OfferStatus.ACCEPTED,
    )
    assert deal.contract_amount_wan == Decimal("150.00")
    assert list(deal.offers.values_list("pk", flat=True)) == [first.pk, counter.pk]
    with pytest.raises(DealError):  # answered offers cannot be countered again
        deals.make_offer(
            deal.pk,
            OfferData(structure=PaymentStructure.LUMP_SUM, total_wan="1"),
            side="buyer",
            by_user_id=None,
            responds_to_id=first.pk,
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (OfferData(structure="barter"), "structure"),
        (OfferData(structure=PaymentStructure.LUMP_SUM), "total_wan"),
        (OfferData(structure=PaymentStructure.LUMP_SUM, total_wan="-3"), "total_wan"),
        (OfferData(structure=PaymentStructure.MILESTONES), "milestones"),
        (
            OfferData(structure=PaymentStructure.ROYALTY, royalty_rate="5"),
            "royalty_base",
        ),
        (
            OfferData(
                structure=PaymentStructure.ROYALTY,
                royalty_rate="5",
                royalty_base="净销售额",
                royalty_years="abc",
            ),
            "royalty_years",
        ),
        (
            OfferData(structure=PaymentStructure.EQUITY, equity_share="130"),
            "equity_share",
        ),
    ],
)
def test_a_bad_offer_names_its_field_and_records_nothing(data, field):
    deal = deal_at(DealStage.NEGOTIATION)
    with pytest.raises(DealError) as refused:
        deals.make_offer(deal.pk, data, side="buyer", by_user_id=None)
    assert field in refused.value.errors
    assert not DealOffer.objects.filter(deal=deal).exists()


def test_a_royalty_and_an_equity_offer_keep_their_terms():
    deal = deal_at(DealStage.INTENT, mode=DealMode.EQUITY)
    royalty = deals.make_offer(
        deal.pk,
        OfferData(
            structure=PaymentStructure.ROYALTY,
            upfront_wan="10",
            royalty_rate="4",
            royalty_base="产品净销售额",
            royalty_years="5",
        ),
        side="supplier",
        by_user_id=None,
    )
    equity = deals.make_offer(
        deal.pk,
        OfferData(structure=PaymentStructure.EQUITY, equity_share="12.5"),
        side="buyer",
        by_user_id=None,
        responds_to_id=royalty.pk,
    )
    assert (royalty.royalty_rate, royalty.royalty_years) == (Decimal("4.00"), 5)
    assert equity.equity_share == Decimal("12.50")


def test_no_offers_once_signed():
    deal = deal_at(DealStage.SIGNED)
    with pytest.raises(DealError):
        deals.make_offer(
            deal.pk,
            OfferData(structure=PaymentStructure.LUMP_SUM, total_wan="1"),
            side="buyer",
            by_user_id=None,
        )


def test_comparables_count_same_field_and_mode_and_hide_figures_below_the_minimum(
    settings,
):
    settings.DEAL_COMPARABLES_MIN = 3
    mine = deal_at(DealStage.NEGOTIATION, mode=DealMode.LICENCE)
    for amount in ("50", "90"):
        deal_at(DealStage.SIGNED, mode=DealMode.LICENCE, contract=amount)
    deal_at(DealStage.SIGNED, mode=DealMode.TRANSFER, contract="999")  # other mode
    deal_at(DealStage.NEGOTIATION, mode=DealMode.LICENCE)  # not signed

    few = deals.comparables(mine)
    assert (few.count, few.shown, few.median_wan) == (2, False, None)

    deal_at(DealStage.COMPLETED, mode=DealMode.LICENCE, contract="300")
    enough = deals.comparables(mine)
    assert enough.shown
    assert (enough.count, enough.median_wan, enough.low_wan, enough.high_wan) == (
        3,
        Decimal("90.00"),
        Decimal("50.00"),
        Decimal("300.00"),
    )


def test_payments_only_once_signed_and_never_zero_or_future(agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    today = timezone.localdate()
    with pytest.raises(DealError):
        deals.record_payment(deal.pk, amount_wan="10", paid_on=today, by_user_id=None)
    deal = deal_at(DealStage.REGISTERED, agent=agent)
    for amount, day, field in (
        ("0", today, "amount_wan"),
        ("-2", today, "amount_wan"),
        ("10", today + dt.timedelta(days=1), "paid_on"),
        ("10", None, "paid_on"),
    ):
        with pytest.raises(DealError) as refused:
            deals.record_payment(
                deal.pk, amount_wan=amount, paid_on=day, by_user_id=None
            )
        assert field in refused.value.errors
    deals.record_payment(deal.pk, amount_wan="30", paid_on=today, by_user_id=agent.pk)
    assert deal.payments.get().amount_wan == Decimal("30.00")


def test_creation_checks_the_parties_and_fills_field_and_regions(agent):
    outcome = OutcomeFactory()
    demand = DemandFactory()
    with pytest.raises(DealError) as same:
        deals.create_deal(
            by_user_id=agent.pk,
            supplier_id=outcome.organisation_id,
            buyer_id=outcome.organisation_id,
            mode=DealMode.TRANSFER,
            title="x",
        )
    assert "buyer" in same.value.errors
    with pytest.raises(DealError) as wrong_owner:
        deals.create_deal(
            by_user_id=agent.pk,
            supplier_id=demand.organisation_id,
            buyer_id=outcome.organisation_id,
            mode="swap",
            outcome_id=outcome.pk,
        )
    assert {"mode", "outcome"} <= set(wrong_owner.value.errors)

    deal = deals.create_deal(
        by_user_id=agent.pk,
        supplier_id=outcome.organisation_id,
        buyer_id=demand.organisation_id,
        mode=DealMode.LICENCE,
        agent_id=agent.pk,
        outcome_id=outcome.pk,
        demand_id=demand.pk,
    )
    assert deal.title == outcome.title
    assert (deal.field_id, deal.supplier_region_id, deal.buyer_region_id) == (
        outcome.field_id,
        outcome.region_id,
        demand.region_id,
    )


def test_who_may_see_and_manage_a_deal(agent, role_groups):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier_member = MembershipFactory(organisation=deal.supplier).user
    buyer_member = MembershipFactory(organisation=deal.buyer).user
    stranger = UserFactory()
    other_agent = UserFactory(roles=[Role.AGENT])
    moderator = UserFactory(roles=[Role.MODERATOR])

    assert permissions.deal_side(supplier_member, deal) == "supplier"
    assert permissions.deal_side(buyer_member, deal) == "buyer"
    for user, sees, manages in (
        (agent, True, True),
        (supplier_member, True, False),
        (buyer_member, True, False),
        (moderator, True, True),
        (other_agent, False, False),
        (stranger, False, False),
    ):
        assert permissions.can_view_deal(user, deal) is sees, user
        assert permissions.can_manage_deal(user, deal) is manages, user
        visible = permissions.visible_deals(Deal.objects.all(), user)
        assert visible.filter(pk=deal.pk).exists() is sees, user


def test_an_introduction_conversation_becomes_one_deal_outcome_owner_supplying(agent):
    from tests.factories.introductions import ProposalFactory, introduce

    proposal = ProposalFactory()
    requester = MembershipFactory(organisation=proposal.demand.organisation).user
    introduction = introduce(proposal, agent=agent, requester=requester)

    deal = deals.create_from_conversation(
        introduction.conversation_id,
        by_user_id=agent.pk,
        agent_id=None,
        mode=DealMode.LICENCE,
    )
    assert (deal.supplier_id, deal.buyer_id, deal.agent_id, deal.source) == (
        proposal.outcome.organisation_id,
        proposal.demand.organisation_id,
        agent.pk,
        "introduction",
    )
    with pytest.raises(DealError) as twice:
        deals.create_from_conversation(
            introduction.conversation_id,
            by_user_id=agent.pk,
            agent_id=None,
            mode=DealMode.LICENCE,
        )
    assert twice.value.code == "duplicate"


def test_an_awarded_challenge_becomes_a_development_deal_with_the_issuer_buying(agent):
    from tests.factories.challenges import ChallengeFactory, challenge_in_delivery

    challenge = challenge_in_delivery()
    deal = deals.create_from_award(challenge.pk, by_user_id=agent.pk, agent_id=agent.pk)
    assert (deal.supplier_id, deal.buyer_id, deal.mode, deal.source) == (
        challenge.awarded_application.lead_organisation_id,
        challenge.issuer_id,
        DealMode.DEVELOPMENT,
        "challenge",
    )
    published = ChallengeFactory()
    with pytest.raises(DealError) as refused:
        deals.create_from_award(published.pk, by_user_id=agent.pk)
    assert refused.value.code == "not_awarded"


def test_a_refused_amount_keeps_its_own_message_when_the_step_needs_it(agent):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    for value, message in (
        ("-5", "An amount cannot be negative."),
        ("abc", "Enter a number."),
    ):
        with pytest.raises(DealError) as refused:
            deals.move(
                deal.pk,
                "register",
                by_user_id=agent.pk,
                data=StageData(
                    registration_number="2026320500001234",
                    registered_on=timezone.localdate(),
                    transaction_amount_wan=value,
                ),
            )
        assert str(refused.value.errors["transaction_amount_wan"]) == gettext(message)
    deal.refresh_from_db()
    assert deal.stage == DealStage.SIGNED
