"""Deal pages: who reads a deal (404 for everyone else), the pipeline board's steps
(illegal moves and bad fields refused on the board, nothing changed), offers,
documents checked like listing uploads and protected, payments, notes, follow-ups,
and the managers' view of every pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Role
from market.models import (
    Deal,
    DealDocument,
    DealFollowUp,
    DealMode,
    DealNote,
    DealOffer,
    DealPayment,
    DealStage,
    DealTransition,
    OfferStatus,
)
from market.services.deals import illegal_reason
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.deals import deal_at
from tests.factories.files import pdf
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(role_groups):
    return UserFactory(roles=[Role.AGENT])


@pytest.fixture
def other_agent(role_groups):
    return UserFactory(roles=[Role.AGENT])


@pytest.fixture
def manager(role_groups):
    """Not a moderator: only the ``market.view_deal`` permission."""
    user = UserFactory(roles=[Role.ENTERPRISE])
    user.user_permissions.add(
        Permission.objects.get(codename="view_deal", content_type__app_label="market")
    )
    return user


def members(deal: Deal) -> tuple:
    supplier = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=supplier, organisation=deal.supplier)
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=buyer, organisation=deal.buyer)
    return supplier, buyer


def snapshot(deal: Deal) -> tuple:
    deal.refresh_from_db()
    return (
        deal.stage,
        deal.contract_amount_wan,
        deal.transaction_amount_wan,
        deal.registration_number,
        deal.registered_on,
        DealTransition.objects.filter(deal=deal).count(),
    )


# -- Who reads a deal ---------------------------------------------------------------------


def test_a_deal_page_is_read_by_its_parties_agent_moderators_and_managers_only(
    client, agent, other_agent, manager, moderator, stranger
):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    supplier, buyer = members(deal)
    url = reverse("deals:detail", args=[deal.pk])
    for allowed in (supplier, buyer, agent, moderator, manager):
        client.force_login(allowed)
        assert client.get(url).status_code == 200, allowed
    for outsider in (stranger, other_agent):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("deals:detail", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in


def test_the_commission_shows_to_the_agent_and_staff_but_not_to_the_parties(
    client, agent, moderator
):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    Deal.objects.filter(pk=deal.pk).update(commission_fixed_wan=Decimal("7.25"))
    supplier, _buyer = members(deal)
    url = reverse("deals:detail", args=[deal.pk])
    for reader, sees in ((agent, True), (moderator, True), (supplier, False)):
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert ('data-amount="commission"' in page) is sees
        assert ("7.25" in page) is sees


def test_my_deals_lists_the_deals_of_the_users_organisations_only(client, agent):
    mine = deal_at(DealStage.NEGOTIATION, agent=agent)
    other = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier, _buyer = members(mine)
    client.force_login(supplier)
    page = client.get(reverse("deals:list")).content.decode()
    assert mine.title in page and reverse("deals:detail", args=[mine.pk]) in page
    assert reverse("deals:detail", args=[other.pk]) not in page
    # The workbench links to it.
    assert (
        reverse("deals:list") in client.get(reverse("workbench:home")).content.decode()
    )


def test_the_timeline_shows_who_when_from_to_and_why(client, agent):
    deal = deal_at(DealStage.TERMINATED, agent=agent)
    client.force_login(agent)
    page = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert page.count('data-to="') == 3  # opened, negotiation, terminated
    assert "洽谈" in page or "Negotiation" in page
    assert agent.display_name in page or agent.get_username() in page


# -- The pipeline board ----------------------------------------------------------------


def test_the_pipeline_shows_the_agents_deals_by_stage_and_terminated_ones_folded(
    client, agent, other_agent
):
    deals = {stage: deal_at(stage, agent=agent) for stage in DealStage.values}
    foreign = deal_at(DealStage.SIGNED, agent=other_agent)
    client.force_login(agent)
    response = client.get(reverse("agents:pipeline"))
    assert response.status_code == 200
    page = response.content.decode()
    for stage, deal in deals.items():
        assert f'id="deal-{deal.pk}"' in page or stage == DealStage.TERMINATED
    assert f'id="deal-{foreign.pk}"' not in page
    assert 'class="pipeline-terminated"' in page
    assert deals[DealStage.TERMINATED].title in page
    # Each open card has the form of its next step (completed has none).
    assert reverse("deals:move", args=[deals["signed"].pk, "register"]) in page
    assert reverse("deals:move", args=[deals["intent"].pk, "negotiate"]) in page


def test_the_pipeline_is_for_agents_only(client, stranger):
    client.force_login(stranger)
    assert client.get(reverse("agents:pipeline")).status_code == 404


def test_the_agent_registers_a_signed_deal_from_the_board(client, agent):
    deal = deal_at(DealStage.SIGNED, agent=agent, contract="120")
    client.force_login(agent)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("deals:move", args=[deal.pk, "register"]),
        {
            "back": "board",
            f"d{deal.pk}-registration_number": "2026320500009999",
            f"d{deal.pk}-registered_on": today,
            f"d{deal.pk}-transaction_amount_wan": "100",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agents:pipeline"))
    deal.refresh_from_db()
    assert deal.stage == DealStage.REGISTERED
    assert deal.registration_number == "2026320500009999"
    assert deal.transaction_amount_wan == Decimal("100.00")
    last = DealTransition.objects.filter(deal=deal).last()
    assert (last.from_stage, last.to_stage, last.by_user_id) == (
        DealStage.SIGNED,
        DealStage.REGISTERED,
        agent.pk,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {},
            "registration_number",
            "Give the registration number of the technology contract.",
        ),
        (
            {"transaction_amount_wan": "-5"},
            "transaction_amount_wan",
            "An amount cannot be negative.",
        ),
        (
            {"transaction_amount_wan": "abc"},
            "transaction_amount_wan",
            "Enter a number.",
        ),
        ({"transaction_amount_wan": "1e400"}, "transaction_amount_wan", ""),
        (
            {"transaction_amount_wan": "500"},
            "transaction_amount_wan",
            "The technology transaction amount cannot exceed the contract amount.",
        ),
        (
            {"registered_on": "2030-01-01"},
            "registered_on",
            "This date is in the future.",
        ),
        ({"registered_on": "not-a-date"}, "registered_on", ""),
    ],
)
def test_bad_fields_on_the_board_are_marked_and_change_nothing(
    client, agent, fields, field, message
):
    deal = deal_at(DealStage.SIGNED, agent=agent, contract="120")
    before = snapshot(deal)
    client.force_login(agent)
    data = {
        "registration_number": "2026320500009999",
        "registered_on": timezone.localdate().isoformat(),
        "transaction_amount_wan": "100",
    }
    if not fields:
        data.pop("registration_number")
    data.update(fields)
    response = client.post(
        reverse("deals:move", args=[deal.pk, "register"]),
        {"back": "board", **{f"d{deal.pk}-{k}": v for k, v in data.items()}},
    )
    assert response.status_code == 400
    form = response.context["columns"][2].deals[0].moves["next"]["form"]
    assert field in form.errors
    assert gettext(message) in " ".join(form.errors[field])
    assert snapshot(deal) == before
    # The board is shown again, with the error on the card.
    assert f'id="deal-{deal.pk}"' in response.content.decode()


def test_an_illegal_move_is_refused_with_a_clear_message_and_changes_nothing(
    client, agent
):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    before = snapshot(deal)
    client.force_login(agent)
    for action in ("complete", "negotiate", "sign"):
        response = client.post(
            reverse("deals:move", args=[deal.pk, action]),
            {"back": "board"},
        )
        assert response.status_code == 400
        assert illegal_reason(deal, action) in response.content.decode()
    assert (
        client.post(reverse("deals:move", args=[deal.pk, "fly"]), {}).status_code == 404
    )
    assert snapshot(deal) == before


def test_terminating_needs_a_reason_code(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    before = snapshot(deal)
    client.force_login(agent)
    response = client.post(
        reverse("deals:move", args=[deal.pk, "terminate"]),
        {f"t{deal.pk}-reason_code": "nonsense"},
    )
    assert response.status_code == 400
    assert "reason_code" in response.context["moves"]["terminate"]["form"].errors
    assert snapshot(deal) == before
    response = client.post(
        reverse("deals:move", args=[deal.pk, "terminate"]),
        {f"t{deal.pk}-reason_code": "price", f"t{deal.pk}-reason": "太贵"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == DealStage.TERMINATED and deal.end_reason_code == "price"


def test_only_the_deals_agent_or_a_moderator_moves_it(
    client, agent, other_agent, moderator
):
    deal = deal_at(DealStage.INTENT, agent=agent)
    supplier, _buyer = members(deal)
    url = reverse("deals:move", args=[deal.pk, "negotiate"])
    client.force_login(supplier)
    assert client.post(url, {}).status_code == 403
    client.force_login(other_agent)
    assert client.post(url, {}).status_code == 404
    assert Deal.objects.get(pk=deal.pk).stage == DealStage.INTENT
    client.force_login(moderator)
    assert client.post(url, {}).status_code == 302
    assert Deal.objects.get(pk=deal.pk).stage == DealStage.NEGOTIATION


# -- Offers -----------------------------------------------------------------------------


def test_parties_exchange_offers_and_the_other_side_accepts(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    Deal.objects.filter(pk=deal.pk).update(contract_amount_wan=None)
    supplier, buyer = members(deal)
    client.force_login(supplier)
    response = client.post(
        reverse("deals:offer", args=[deal.pk]),
        {"structure": "lump_sum", "total_wan": "150"},
    )
    assert response.status_code == 302
    first = DealOffer.objects.get(deal=deal)
    assert first.side == "supplier" and first.total_wan == Decimal("150")
    client.force_login(buyer)
    response = client.post(
        reverse("deals:offer", args=[deal.pk]),
        {
            "structure": "royalty",
            "royalty_rate": "4",
            "royalty_base": "净销售额",
            "royalty_years": "5",
            "upfront_wan": "20",
            "responds_to": first.pk,
        },
    )
    assert response.status_code == 302
    counter = DealOffer.objects.exclude(pk=first.pk).get()
    assert counter.side == "buyer" and counter.responds_to_id == first.pk
    first.refresh_from_db()
    assert first.status == OfferStatus.COUNTERED
    # The buyer cannot accept its own offer; the supplier can.
    response = client.post(reverse("deals:accept", args=[deal.pk, counter.pk]))
    assert response.status_code == 400
    client.force_login(supplier)
    page = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert reverse("deals:accept", args=[deal.pk, counter.pk]) in page
    response = client.post(reverse("deals:accept", args=[deal.pk, counter.pk]))
    assert response.status_code == 302
    counter.refresh_from_db()
    assert counter.status == OfferStatus.ACCEPTED
    # Both offers stay as history on the page.
    page = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert f'id="offer-{first.pk}"' in page and f'id="offer-{counter.pk}"' in page


def test_the_agent_records_an_offer_on_behalf_of_the_parties(client, agent):
    deal = deal_at(DealStage.INTENT, agent=agent)
    client.force_login(agent)
    client.post(
        reverse("deals:offer", args=[deal.pk]),
        {"structure": "equity", "equity_share": "10"},
    )
    assert DealOffer.objects.get(deal=deal).side == "agent"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"structure": "lump_sum", "total_wan": "-1"}, "total_wan"),
        ({"structure": "lump_sum", "total_wan": "十万"}, "total_wan"),
        ({"structure": "lump_sum"}, "total_wan"),
        ({"structure": "royalty", "royalty_rate": "140"}, "royalty_rate"),
        ({"structure": "milestones", "milestones": "中试 | -3"}, "milestones"),
        ({"structure": "barter"}, "structure"),
    ],
)
def test_a_bad_offer_is_refused_with_field_errors_and_changes_nothing(
    client, agent, data, field
):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier, _buyer = members(deal)
    client.force_login(supplier)
    response = client.post(reverse("deals:offer", args=[deal.pk]), data)
    assert response.status_code == 400
    assert field in response.context["offer_form"].errors
    assert not DealOffer.objects.filter(deal=deal).exists()


def test_a_stranger_cannot_make_an_offer(client, agent, stranger):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    client.force_login(stranger)
    response = client.post(
        reverse("deals:offer", args=[deal.pk]),
        {"structure": "lump_sum", "total_wan": "1"},
    )
    assert response.status_code == 404
    assert not DealOffer.objects.exists()


def test_comparables_show_count_median_and_range_without_names(client, agent):
    outcome = OutcomeFactory()
    for amount in ("100", "200", "600"):
        deal_at(
            DealStage.SIGNED,
            agent=agent,
            contract=amount,
            outcome=OutcomeFactory(field=outcome.field),
        )
    deal = deal_at(DealStage.NEGOTIATION, agent=agent, outcome=outcome)
    supplier, _buyer = members(deal)
    client.force_login(supplier)
    response = client.get(reverse("deals:detail", args=[deal.pk]))
    comparables = response.context["comparables"]
    assert (comparables.count, comparables.median_wan) == (3, Decimal("200.00"))
    box = response.content.decode().split('class="card deal-comparables"')[1]
    box = box.split("</aside>")[0]
    assert "200" in box and "100" in box and "600" in box
    for other in Deal.objects.exclude(pk=deal.pk).select_related("buyer"):
        assert other.buyer.name not in box


def test_comparables_say_not_enough_deals_yet(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    client.force_login(agent)
    response = client.get(reverse("deals:detail", args=[deal.pk]))
    assert response.context["comparables"].shown is False


# -- Documents -----------------------------------------------------------------------


def test_a_party_uploads_a_contract_that_only_the_deals_readers_download(
    client, agent, stranger, other_agent, moderator
):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    supplier, buyer = members(deal)
    client.force_login(supplier)
    response = client.post(
        reverse("deals:upload", args=[deal.pk]),
        {
            "kind": "contract",
            "files": SimpleUploadedFile("技术转让合同.pdf", pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    document = DealDocument.objects.get(deal=deal).document
    url = document.url
    client.logout()
    assert client.get(url).status_code == 404
    for outsider in (stranger, other_agent):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    for reader in (supplier, buyer, agent, moderator):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("合同.pdf", b"<html>not a pdf</html>", "application/pdf"),
        SimpleUploadedFile("合同.exe", b"MZ\x90\x00", "application/octet-stream"),
    ],
)
def test_a_file_that_is_not_a_clean_pdf_is_refused(client, agent, upload):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    client.force_login(agent)
    response = client.post(
        reverse("deals:upload", args=[deal.pk]), {"kind": "contract", "files": upload}
    )
    assert response.status_code == 400
    assert "files" in response.context["document_form"].errors
    assert not DealDocument.objects.exists()


def test_a_stranger_cannot_upload_to_a_deal(client, agent, stranger):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    client.force_login(stranger)
    response = client.post(
        reverse("deals:upload", args=[deal.pk]),
        {"kind": "contract", "files": SimpleUploadedFile("a.pdf", pdf())},
    )
    assert response.status_code == 404
    assert not DealDocument.objects.exists()


# -- Payments, notes, follow-ups, amounts -------------------------------------------------


def test_the_agent_records_a_payment_and_bad_amounts_change_nothing(client, agent):
    deal = deal_at(DealStage.REGISTERED, agent=agent)
    client.force_login(agent)
    url = reverse("deals:payment", args=[deal.pk])
    today = timezone.localdate().isoformat()
    for amount in ("-10", "0", "abc", ""):
        response = client.post(url, {"amount_wan": amount, "paid_on": today})
        assert response.status_code == 400
        assert "amount_wan" in response.context["payment_form"].errors
    assert not DealPayment.objects.exists()
    assert client.post(url, {"amount_wan": "30", "paid_on": today}).status_code == 302
    assert DealPayment.objects.get().amount_wan == Decimal("30")


def test_a_party_cannot_record_a_payment(client, agent):
    deal = deal_at(DealStage.REGISTERED, agent=agent)
    supplier, _buyer = members(deal)
    client.force_login(supplier)
    response = client.post(
        reverse("deals:payment", args=[deal.pk]),
        {"amount_wan": "30", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert not DealPayment.objects.exists()


def test_notes_are_the_agents_and_never_shown_to_the_parties(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier, _buyer = members(deal)
    client.force_login(agent)
    client.post(reverse("deals:note", args=[deal.pk]), {"body": "买方预算约一百万"})
    assert DealNote.objects.get(deal=deal).author_id == agent.pk
    assert (
        "买方预算约一百万"
        in client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    )
    client.force_login(supplier)
    assert (
        "买方预算约一百万"
        not in client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    )
    assert (
        client.post(reverse("deals:note", args=[deal.pk]), {"body": "x"}).status_code
        == 403
    )


def test_a_follow_up_is_set_in_the_future_and_shown_on_the_board(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    client.force_login(agent)
    url = reverse("deals:follow_up", args=[deal.pk])
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"due_at": past, "what": "电话确认报价"})
    assert response.status_code == 400
    assert "due_at" in response.context["follow_up_form"].errors
    assert client.post(url, {"due_at": "garbage", "what": "x"}).status_code == 400
    assert not DealFollowUp.objects.exists()
    later = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"due_at": later, "what": "电话确认报价", "back": "board"}
    )
    assert response.status_code == 302
    assert "电话确认报价" in client.get(reverse("agents:pipeline")).content.decode()


def test_amounts_are_never_negative(client, agent):
    deal = deal_at(DealStage.SIGNED, agent=agent, contract="120")
    before = snapshot(deal)
    client.force_login(agent)
    url = reverse("deals:amounts", args=[deal.pk])
    response = client.post(url, {"contract_amount_wan": "-120", "commission_rate": "5"})
    assert response.status_code == 400
    assert "contract_amount_wan" in response.context["amounts_form"].errors
    response = client.post(url, {"contract_amount_wan": "120", "commission_rate": "-5"})
    assert response.status_code == 400
    assert snapshot(deal) == before
    assert Deal.objects.get(pk=deal.pk).commission_rate is None
    response = client.post(url, {"contract_amount_wan": "120", "commission_rate": "5"})
    assert response.status_code == 302
    assert Deal.objects.get(pk=deal.pk).commission_wan == Decimal("6.00")


# -- Creating deals ------------------------------------------------------------------


def test_an_agent_enters_a_deal_and_bad_input_creates_nothing(client, agent, stranger):
    outcome = OutcomeFactory(published=True)
    demand = DemandFactory(published=True)
    client.force_login(stranger)
    assert client.get(reverse("deals:create")).status_code == 404
    client.force_login(agent)
    url = reverse("deals:create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "supplier": outcome.organisation_id,
            "buyer": outcome.organisation_id,
            "mode": DealMode.TRANSFER,
            "title": "同一家",
        },
    )
    assert response.status_code == 400
    assert "buyer" in response.context["form"].errors
    response = client.post(
        url,
        {
            "supplier": outcome.organisation_id,
            "buyer": demand.organisation_id,
            "mode": DealMode.TRANSFER,
            "demand": outcome.pk,  # not a demand
        },
    )
    assert response.status_code == 400
    assert not Deal.objects.exists()
    response = client.post(
        url,
        {
            "supplier": outcome.organisation_id,
            "buyer": demand.organisation_id,
            "mode": DealMode.LICENCE,
            "outcome": outcome.pk,
            "demand": demand.pk,
        },
    )
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert (deal.agent_id, deal.title, deal.stage) == (
        agent.pk,
        outcome.title,
        DealStage.INTENT,
    )


def test_an_agent_starts_a_deal_from_an_awarded_challenge_once(client, agent, stranger):
    from tests.factories.challenges import challenge_in_delivery

    challenge = challenge_in_delivery()
    detail = reverse("workbench:challenge_detail", args=[challenge.pk])
    client.force_login(agent)
    page = client.get(detail).content.decode()
    url = reverse("deals:from_award", args=[challenge.pk])
    assert url in page
    client.force_login(stranger)
    assert client.post(url).status_code == 403
    client.force_login(agent)
    response = client.post(url)
    deal = Deal.objects.get()
    assert response["Location"] == reverse("deals:detail", args=[deal.pk])
    assert (deal.source, deal.mode, deal.buyer_id) == (
        "challenge",
        DealMode.DEVELOPMENT,
        challenge.issuer_id,
    )
    # A second deal of the same challenge is refused; the page links the first.
    response = client.post(url)
    assert Deal.objects.count() == 1
    assert (
        reverse("deals:detail", args=[deal.pk]) in client.get(detail).content.decode()
    )
    assert client.post(reverse("deals:from_award", args=[999999])).status_code == 404


# -- Managers' view ------------------------------------------------------------------


def test_managers_see_every_agents_pipeline_with_commission_totals(
    client, agent, other_agent, manager, moderator
):
    first = deal_at(DealStage.SIGNED, agent=agent, contract="100")
    Deal.objects.filter(pk=first.pk).update(commission_rate=Decimal("5"))
    deal_at(DealStage.INTENT, agent=agent)
    second = deal_at(DealStage.COMPLETED, agent=other_agent, contract="200")
    Deal.objects.filter(pk=second.pk).update(commission_fixed_wan=Decimal("12"))
    client.force_login(agent)
    assert client.get(reverse("agents:pipelines")).status_code == 404
    for reader in (manager, moderator):
        client.force_login(reader)
        response = client.get(reverse("agents:pipelines"))
        assert response.status_code == 200
    lines = {line.agent.pk: line for line in response.context["lines"]}
    assert lines[agent.pk].counts == {"signed": 1, "intent": 1}
    # Commission: rate × transaction amount (100 here) on the signed deal.
    assert lines[agent.pk].commission_wan == Decimal("5.00")
    assert lines[other_agent.pk].commission_wan == Decimal("12")
    assert response.context["total"].commission_wan == Decimal("17.00")
    assert response.context["total"].open_count == 2


def test_the_agents_workspace_links_the_pipeline(client, agent):
    client.force_login(agent)
    page = client.get(reverse("agents:workspace")).content.decode()
    assert reverse("agents:pipeline") in page
    assert reverse("agents:pipelines") not in page


def test_an_organisation_only_page_never_lists_deals_of_others(client, agent):
    # A member of a third organisation sees no deal in "my deals".
    deal_at(DealStage.SIGNED, agent=agent)
    user = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=user, organisation=OrganisationFactory())
    client.force_login(user)
    assert client.get(reverse("deals:list")).context["deals"] == []


def test_a_malformed_counter_offer_target_is_refused_and_said(client, agent):
    deal = deal_at(DealStage.NEGOTIATION, agent=agent)
    supplier, _buyer = members(deal)
    client.force_login(supplier)
    for target in ("abc", "999999"):
        response = client.post(
            reverse("deals:offer", args=[deal.pk]),
            {"structure": "lump_sum", "total_wan": "10", "responds_to": target},
        )
        assert response.status_code == 400
        assert response.context["offer_form"].non_field_errors()
    assert not DealOffer.objects.exists()


def test_the_pipeline_costs_the_same_queries_for_one_deal_or_many(client, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from market.services.deals import add_note

    first = deal_at(DealStage.SIGNED, agent=agent)
    add_note(first.pk, body="先问预算", by_user_id=agent.pk)
    client.force_login(agent)
    client.get(reverse("agents:pipeline"))  # sessions, permissions warmed
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("agents:pipeline")).content.decode()
    assert "先问预算" in page
    for stage in (DealStage.INTENT, DealStage.REGISTERED, DealStage.TERMINATED):
        deal = deal_at(stage, agent=agent)
        add_note(deal.pk, body="备注", by_user_id=agent.pk)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("agents:pipeline"))
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_note_from_the_board_returns_to_the_board(client, agent):
    deal = deal_at(DealStage.SIGNED, agent=agent)
    client.force_login(agent)
    response = client.post(
        reverse("deals:note", args=[deal.pk]), {"body": "周五回电", "back": "board"}
    )
    assert response["Location"].startswith(reverse("agents:pipeline"))
    assert DealNote.objects.get(deal=deal).body == "周五回电"
