"""Deals through the API: parties and the agent read them, strangers get 404; the
deal's agent moves the stage and records offers via market.services.deals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from market.models import DealOffer, DealStage, DealTransition
from tests.api.conftest import error_of
from tests.factories import MembershipFactory
from tests.factories.deals import deal_at

pytestmark = pytest.mark.django_db


def test_parties_and_agent_read_strangers_do_not(api, agent, stranger):
    deal = deal_at(agent=agent)
    supplier = MembershipFactory(organisation=deal.supplier).user
    for reader, role in ((agent, "agent"), (supplier, "supplier")):
        api.as_user(reader)
        body = api.get(f"/api/v1/deals/{deal.pk}/").json()
        assert body["id"] == deal.pk and body["my_role"] == role
        assert [row["id"] for row in api.get("/api/v1/deals/").json()["results"]] == [
            deal.pk
        ]
    # The commission is the agent's business, not the parties'.
    api.as_user(supplier)
    assert api.get(f"/api/v1/deals/{deal.pk}/").json()["commission"] is None
    api.as_user(stranger)
    assert api.get(f"/api/v1/deals/{deal.pk}/").status_code == 404
    assert api.get("/api/v1/deals/").json()["results"] == []
    api.credentials()
    assert api.get("/api/v1/deals/").status_code == 401


def test_agent_moves_the_stage_and_missing_facts_are_400(api, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    api.as_user(agent)
    url = f"/api/v1/deals/{deal.pk}/move/"
    missing = api.post(url, {"action": "sign"}, format="json")
    assert missing.status_code == 400
    assert {"signed_on", "contract_amount_wan"} <= set(error_of(missing)["fields"])
    deal.refresh_from_db()
    assert deal.stage == DealStage.NEGOTIATION
    signed = api.post(
        url,
        {
            "action": "sign",
            "signed_on": timezone.localdate().isoformat(),
            "contract_amount_wan": "150.00",
        },
        format="json",
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["stage"] == DealStage.SIGNED
    assert DealTransition.objects.filter(deal=deal, to_stage="signed").count() == 1
    illegal = api.post(url, {"action": "negotiate"}, format="json")
    assert illegal.status_code == 409
    assert error_of(illegal)["code"] == "illegal_transition"
    unknown = api.post(url, {"action": "teleport"}, format="json")
    assert unknown.status_code == 400


def test_parties_cannot_move(api, agent):
    deal = deal_at(agent=agent)
    buyer = MembershipFactory(organisation=deal.buyer).user
    api.as_user(buyer)
    moved = api.post(
        f"/api/v1/deals/{deal.pk}/move/", {"action": "negotiate"}, format="json"
    )
    assert moved.status_code == 403
    deal.refresh_from_db()
    assert deal.stage == DealStage.INTENT


def test_agent_records_offers_as_agent_and_parties_counter(api, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    buyer = MembershipFactory(organisation=deal.buyer).user
    api.as_user(agent)
    url = f"/api/v1/deals/{deal.pk}/offers/"
    bad = api.post(url, {"structure": "lump_sum"}, format="json")
    assert bad.status_code == 400 and "total_wan" in error_of(bad)["fields"]
    # The agent records offers on behalf of the parties, not as one of them.
    posing = api.post(
        url,
        {"side": "buyer", "structure": "lump_sum", "total_wan": "80"},
        format="json",
    )
    assert posing.status_code == 400 and "side" in error_of(posing)["fields"]
    assert not DealOffer.objects.exists()
    first = api.post(url, {"structure": "lump_sum", "total_wan": "80"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["side"] == "agent"
    own = api.post(
        url,
        {"structure": "lump_sum", "total_wan": "90", "responds_to": first.json()["id"]},
        format="json",
    )
    assert own.status_code == 409 and error_of(own)["code"] == "own_offer"
    api.as_user(buyer)
    counter = api.post(
        url,
        {"structure": "lump_sum", "total_wan": "70", "responds_to": first.json()["id"]},
        format="json",
    )
    assert counter.status_code == 201, counter.content
    assert counter.json()["side"] == "buyer"
    assert counter.json()["responds_to_id"] == first.json()["id"]
    statuses = sorted(
        o["status"] for o in api.get(f"/api/v1/deals/{deal.pk}/").json()["offers"]
    )
    assert statuses == ["countered", "open"]
