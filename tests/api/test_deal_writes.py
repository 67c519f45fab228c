"""Writing deals through the API, per role: agents enter deals (directly or from an
accepted introduction), the parties' members make offers for their side and accept
the other side's, the deal's agent (or a moderator) sets amounts and commission,
records payments, keeps notes and follow-ups. Every refusal is 4xx JSON and changes
nothing; strangers get 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from api.models import ApiToken
from market.models import (
    Deal,
    DealFollowUp,
    DealNote,
    DealOffer,
    DealPayment,
    DealStage,
    OfferStatus,
)
from market.services.deals import OfferData, make_offer
from tests.api.conftest import error_of
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.deals import deal_at
from tests.factories.introductions import ProposalFactory, introduce
from tests.factories.market import DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(role_groups, agent, stranger, moderator):
    """A deal at negotiation, its agent, a member of each party, another agent, a
    stranger and a moderator."""
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    Deal.objects.filter(pk=deal.pk).update(contract_amount_wan=Decimal("120"))
    deal.refresh_from_db()
    return {
        "deal": deal,
        "agent": agent,
        "supplier": MembershipFactory(organisation=deal.supplier).user,
        "buyer": MembershipFactory(organisation=deal.buyer).user,
        "other_agent": UserFactory(roles=[Role.AGENT]),
        "stranger": stranger,
        "moderator": moderator,
    }


def _snapshot(deal: Deal) -> tuple:
    deal.refresh_from_db()
    return (
        deal.stage,
        deal.contract_amount_wan,
        deal.transaction_amount_wan,
        deal.commission_rate,
        deal.commission_fixed_wan,
        DealOffer.objects.filter(deal=deal).count(),
        DealPayment.objects.filter(deal=deal).count(),
        DealNote.objects.filter(deal=deal).count(),
        DealFollowUp.objects.filter(deal=deal).count(),
    )


# -- Entering deals ---------------------------------------------------------------------


def test_an_agent_enters_a_deal_and_becomes_its_agent(api, agent, stranger):
    outcome = OutcomeFactory(published=True)
    demand = DemandFactory(published=True)
    body = {
        "supplier": outcome.organisation_id,
        "buyer": demand.organisation_id,
        "mode": "licence",
        "outcome": outcome.pk,
        "demand": demand.pk,
    }
    api.as_user(stranger)
    refused = api.post("/api/v1/deals/", body, format="json")
    assert refused.status_code == 403 and error_of(refused)["code"] == (
        "permission_denied"
    )
    assert not Deal.objects.exists()
    api.as_user(agent)
    created = api.post("/api/v1/deals/", body, format="json")
    assert created.status_code == 201, created.content
    deal = Deal.objects.get()
    assert deal.agent_id == agent.pk and deal.title == outcome.title
    assert created.json()["my_role"] == "agent" and created.json()["stage"] == "intent"
    assert [t["to_stage"] for t in created.json()["transitions"]] == ["intent"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"buyer": "same"}, "buyer"),
        ({"supplier": 2_147_483_000}, "supplier"),
        ({"mode": "gift"}, "mode"),
        ({"supplier": "abc"}, "supplier"),
        ({"outcome": "draft"}, "outcome"),
        ({"outcome": "other"}, "outcome"),
        ({"title": "x" * 161}, "title"),
    ],
)
def test_entering_a_bad_deal_is_400_per_field(api, agent, change, field):
    outcome = OutcomeFactory(published=True)
    demand = DemandFactory(published=True)
    body = {
        "supplier": outcome.organisation_id,
        "buyer": demand.organisation_id,
        "mode": "transfer",
        "title": "储能技术转让",
    }
    body.update(change)
    if body.get("buyer") == "same":
        body["buyer"] = body["supplier"]
    if body.get("outcome") == "draft":
        body["outcome"] = OutcomeFactory(organisation=outcome.organisation).pk
    if body.get("outcome") == "other":
        body["outcome"] = OutcomeFactory(published=True).pk
    api.as_user(agent)
    response = api.post("/api/v1/deals/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in error_of(response)["fields"]
    assert not Deal.objects.exists()


def test_a_deal_from_an_accepted_introduction(api, agent, stranger):
    member = UserFactory(roles=[Role.ENTERPRISE])
    proposal = ProposalFactory()
    MembershipFactory(user=member, organisation=proposal.demand.organisation)
    introduction = introduce(proposal, agent=agent, requester=member)
    url = f"/api/v1/introductions/{introduction.pk}/deal/"
    api.as_user(agent)
    early = api.post(url, {"mode": "transfer"}, format="json")
    assert early.status_code == 409 and error_of(early)["code"] == "not_confirmed"
    type(introduction).objects.filter(pk=introduction.pk).update(
        confirmed_at=timezone.now()
    )
    api.as_user(member)
    assert api.post(url, {"mode": "transfer"}, format="json").status_code == 403
    # Another agent would open a deal they could not read afterwards.
    api.as_user(UserFactory(roles=[Role.AGENT]))
    refused = api.post(url, {"mode": "transfer"}, format="json")
    assert refused.status_code == 403, refused.content
    api.as_user(agent)
    assert api.post(url, {"mode": "gift"}, format="json").status_code == 400
    assert not Deal.objects.exists()
    started = api.post(url, {"mode": "transfer"}, format="json")
    assert started.status_code == 201, started.content
    deal = Deal.objects.get()
    assert deal.agent_id == agent.pk and deal.demand_id == proposal.demand_id
    assert deal.supplier_id == proposal.outcome.organisation_id
    again = api.post(url, {"mode": "transfer"}, format="json")
    assert again.status_code == 409 and error_of(again)["code"] == "duplicate"
    assert (
        api.post(
            "/api/v1/introductions/999999/deal/", {"mode": "transfer"}, format="json"
        ).status_code
        == 404
    )
    assert Deal.objects.count() == 1


# -- Offers and their acceptance -----------------------------------------------------------


def test_each_party_offers_for_its_side_and_the_other_accepts(api, cast):
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/offers/"
    api.as_user(cast["supplier"])
    posing = api.post(
        url,
        {"side": "buyer", "structure": "lump_sum", "total_wan": "90"},
        format="json",
    )
    assert posing.status_code == 400 and "side" in error_of(posing)["fields"]
    offer = api.post(url, {"structure": "lump_sum", "total_wan": "90"}, format="json")
    assert offer.status_code == 201 and offer.json()["side"] == "supplier"
    accept = f"{url}{offer.json()['id']}/accept/"
    # Not one's own offer, not the agent (who is no party), not a stranger.
    own = api.post(accept)
    assert own.status_code == 409 and error_of(own)["code"] == "own_offer"
    api.as_user(cast["agent"])
    assert api.post(accept).status_code == 403
    api.as_user(cast["stranger"])
    assert api.post(accept).status_code == 404
    assert DealOffer.objects.get().status == OfferStatus.OPEN
    api.as_user(cast["buyer"])
    accepted = api.post(accept)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    deal.refresh_from_db()
    # The deal already had its contract amount; an accepted offer leaves it.
    assert DealOffer.objects.get().status == OfferStatus.ACCEPTED
    again = api.post(accept)
    assert again.status_code == 409 and error_of(again)["code"] == "offer_not_open"


def test_offers_are_refused_to_strangers_other_agents_and_bad_amounts(api, cast):
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/offers/"
    before = _snapshot(deal)
    for who, status in (("stranger", 404), ("other_agent", 404)):
        api.as_user(cast[who])
        response = api.post(
            url, {"structure": "lump_sum", "total_wan": "90"}, format="json"
        )
        assert response.status_code == status, who
    api.as_user(cast["buyer"])
    for bad in ("-5", "abc", "1e20", "NaN"):
        response = api.post(
            url, {"structure": "lump_sum", "total_wan": bad}, format="json"
        )
        assert response.status_code == 400, bad
        assert "total_wan" in error_of(response)["fields"]
    assert api.post(f"{url}999999/accept/").status_code == 404
    assert _snapshot(deal) == before


def test_a_moderator_records_offers_as_agent_and_accepts_none(api, cast):
    deal = cast["deal"]
    api.as_user(cast["moderator"])
    made = api.post(
        f"/api/v1/deals/{deal.pk}/offers/",
        {
            "structure": "royalty",
            "royalty_rate": "4",
            "royalty_base": "净销售额",
            "royalty_years": 5,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["side"] == "agent"
    accept = f"/api/v1/deals/{deal.pk}/offers/{made.json()['id']}/accept/"
    assert api.post(accept).status_code == 403
    api.as_user(cast["supplier"])
    assert api.post(accept).status_code == 200
    deal.refresh_from_db()
    assert DealOffer.objects.get().status == OfferStatus.ACCEPTED


def test_an_offer_of_another_deal_is_404_on_this_one(api, cast):
    other = deal_at(agent=cast["agent"])
    offer = make_offer(
        other.pk,
        OfferData(structure="lump_sum", total_wan="50"),
        side="supplier",
        by_user_id=None,
    )
    api.as_user(cast["buyer"])
    response = api.post(f"/api/v1/deals/{cast['deal'].pk}/offers/{offer.pk}/accept/")
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_a_signed_deal_takes_no_offers(api, agent):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    buyer = MembershipFactory(organisation=deal.buyer).user
    api.as_user(buyer)
    response = api.post(
        f"/api/v1/deals/{deal.pk}/offers/",
        {"structure": "lump_sum", "total_wan": "90"},
        format="json",
    )
    assert response.status_code == 409 and error_of(response)["code"] == "closed"
    assert not DealOffer.objects.exists()


# -- Amounts and commission --------------------------------------------------------------


def test_the_agent_and_a_moderator_set_amounts_and_commission(api, cast):
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/"
    api.as_user(cast["agent"])
    patched = api.patch(url, {"commission_rate": "3.5"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["commission"] == {"rate": "3.50", "fixed_wan": None}
    deal.refresh_from_db()
    # PATCH keeps what it does not name.
    assert deal.contract_amount_wan == Decimal("120.00")
    assert deal.commission_rate == Decimal("3.50")
    api.as_user(cast["moderator"])
    put = api.put(
        url,
        {
            "contract_amount_wan": "150",
            "transaction_amount_wan": None,
            "commission_rate": None,
            "commission_fixed_wan": "5",
        },
        format="json",
    )
    assert put.status_code == 200, put.content
    deal.refresh_from_db()
    assert (deal.contract_amount_wan, deal.commission_rate) == (Decimal("150"), None)
    assert deal.commission_fixed_wan == Decimal("5")
    incomplete = api.put(url, {"contract_amount_wan": "150"}, format="json")
    assert incomplete.status_code == 400
    assert "commission_rate" in error_of(incomplete)["fields"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"contract_amount_wan": "-1"}, "contract_amount_wan"),
        ({"contract_amount_wan": "很多"}, "contract_amount_wan"),
        ({"commission_rate": "101"}, "commission_rate"),
        ({"commission_rate": "2", "commission_fixed_wan": "3"}, "commission_fixed_wan"),
        ({"transaction_amount_wan": "500"}, "transaction_amount_wan"),
    ],
)
def test_bad_amounts_are_400_and_change_nothing(api, cast, body, field):
    deal = cast["deal"]
    before = _snapshot(deal)
    api.as_user(cast["agent"])
    response = api.patch(f"/api/v1/deals/{deal.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in error_of(response)["fields"]
    assert _snapshot(deal) == before


def test_parties_and_other_agents_cannot_set_amounts(api, cast):
    deal = cast["deal"]
    before = _snapshot(deal)
    for who, status in (
        ("supplier", 403),
        ("buyer", 403),
        ("other_agent", 404),
        ("stranger", 404),
    ):
        api.as_user(cast[who])
        response = api.patch(
            f"/api/v1/deals/{deal.pk}/", {"commission_rate": "9"}, format="json"
        )
        assert response.status_code == status, who
        error_of(response)
    assert _snapshot(deal) == before


# -- Payments, comparables ---------------------------------------------------------------


def test_payments_of_a_signed_deal(api, agent):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    supplier = MembershipFactory(organisation=deal.supplier).user
    url = f"/api/v1/deals/{deal.pk}/payments/"
    today = timezone.localdate()
    api.as_user(supplier)
    refused = api.post(url, {"amount_wan": "30", "paid_on": today}, format="json")
    assert refused.status_code == 403
    api.as_user(agent)
    for bad, field in (
        ({"amount_wan": "-3", "paid_on": today}, "amount_wan"),
        ({"amount_wan": "0", "paid_on": today}, "amount_wan"),
        ({"amount_wan": "x", "paid_on": today}, "amount_wan"),
        ({"amount_wan": "3", "paid_on": today + dt.timedelta(days=2)}, "paid_on"),
        ({"amount_wan": "3"}, "paid_on"),
    ):
        response = api.post(url, bad, format="json")
        assert response.status_code == 400, bad
        assert field in error_of(response)["fields"]
    assert not DealPayment.objects.exists()
    paid = api.post(
        url, {"amount_wan": "30", "paid_on": today, "note": "首付款"}, format="json"
    )
    assert paid.status_code == 201, paid.content
    api.as_user(supplier)
    listed = api.get(url).json()["results"]
    assert [(row["amount_wan"], row["note"]) for row in listed] == [("30.00", "首付款")]


def test_payments_wait_for_the_signature(api, cast):
    api.as_user(cast["agent"])
    response = api.post(
        f"/api/v1/deals/{cast['deal'].pk}/payments/",
        {"amount_wan": "30", "paid_on": timezone.localdate()},
        format="json",
    )
    assert response.status_code == 409 and error_of(response)["code"] == "not_signed"
    assert not DealPayment.objects.exists()


def test_comparables_hidden_below_the_minimum_then_shown(api, cast, settings):
    settings.DEAL_COMPARABLES_MIN = 3
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/comparables/"
    api.as_user(cast["buyer"])
    hidden = api.get(url).json()
    assert hidden == {
        "count": 0,
        "shown": False,
        "median_wan": None,
        "low_wan": None,
        "high_wan": None,
    }
    for amount in ("100", "200", "400"):
        signed = deal_at(DealStage.SIGNED, contract=amount)
        Deal.objects.filter(pk=signed.pk).update(field_id=deal.field_id)
    for who in ("buyer", "supplier", "agent"):
        api.as_user(cast[who])
        shown = api.get(url).json()
        assert shown["count"] == 3 and shown["shown"] is True
        assert (shown["median_wan"], shown["low_wan"], shown["high_wan"]) == (
            "200.00",
            "100.00",
            "400.00",
        )
    api.as_user(cast["stranger"])
    assert api.get(url).status_code == 404


# -- Notes and follow-ups ----------------------------------------------------------------


def test_notes_are_the_agents_and_never_the_parties(api, cast):
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/notes/"
    api.as_user(cast["agent"])
    empty = api.post(url, {"body": "   "}, format="json")
    assert empty.status_code == 400 and "body" in error_of(empty)["fields"]
    written = api.post(url, {"body": "买方希望分期付款"}, format="json")
    assert written.status_code == 201, written.content
    assert [n["body"] for n in api.get(url).json()["results"]] == ["买方希望分期付款"]
    api.as_user(cast["moderator"])
    assert api.get(url).status_code == 200
    for who, status in (
        ("supplier", 403),
        ("buyer", 403),
        ("other_agent", 404),
        ("stranger", 404),
    ):
        api.as_user(cast[who])
        read = api.get(url)
        assert read.status_code == status, who
        assert "买方" not in read.content.decode()
        assert api.post(url, {"body": "x"}, format="json").status_code == status
        assert "买方" not in api.get(f"/api/v1/deals/{deal.pk}/").content.decode()
    assert DealNote.objects.count() == 1


def test_follow_ups_of_the_agent(api, cast):
    deal = cast["deal"]
    url = f"/api/v1/deals/{deal.pk}/follow-ups/"
    api.as_user(cast["agent"])
    past = api.post(
        url,
        {
            "due_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "what": "打电话",
        },
        format="json",
    )
    assert past.status_code == 400 and "due_at" in error_of(past)["fields"]
    assert (
        api.post(url, {"due_at": "tomorrow", "what": "x"}, format="json").status_code
        == 400
    )
    due = timezone.now() + dt.timedelta(days=2)
    made = api.post(
        url, {"due_at": due.isoformat(), "what": "催买方回复"}, format="json"
    )
    assert made.status_code == 201, made.content
    follow_up = made.json()["id"]
    assert [f["what"] for f in api.get(url).json()["results"]] == ["催买方回复"]
    api.as_user(cast["buyer"])
    assert api.get(url).status_code == 403
    assert api.post(f"{url}{follow_up}/done/").status_code == 403
    api.as_user(cast["moderator"])
    # Someone else's follow-up is not theirs to finish.
    assert api.post(f"{url}{follow_up}/done/").status_code == 404
    assert DealFollowUp.objects.get().done_at is None
    api.as_user(cast["agent"])
    done = api.post(f"{url}{follow_up}/done/")
    assert done.status_code == 200 and done.json()["done_at"]


# -- Tokens ------------------------------------------------------------------------------


def test_a_revoked_token_changes_nothing(api, cast):
    deal = cast["deal"]
    before = _snapshot(deal)
    api.as_user(cast["agent"])
    ApiToken.objects.filter(user=cast["agent"]).update(revoked_at=timezone.now())
    for method, path, body in (
        ("patch", "", {"commission_rate": "9"}),
        ("post", "offers/", {"structure": "lump_sum", "total_wan": "9"}),
        ("post", "notes/", {"body": "x"}),
        ("post", "move/", {"action": "sign"}),
    ):
        response = getattr(api, method)(
            f"/api/v1/deals/{deal.pk}/{path}", body, format="json"
        )
        assert response.status_code == 401, path
        error_of(response)
    assert _snapshot(deal) == before
