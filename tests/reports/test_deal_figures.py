"""Deal figures against independent aggregates: registered contracts by month (raw
SQL), field, mode, the zone's flows, top institutions, the funnel's deal stages and
the public copies that hide the amounts of small cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from market.models import DealStage
from reports import selectors
from reports.params import Cuts, Period
from tests.factories.deals import deal_at

from .conftest import at

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
ALL = Cuts()


@pytest.fixture(autouse=True)
def _zone(settings):
    settings.TECHMATCH_ZONE_REGION_CODES = ["320500"]  # 苏州市
    settings.LANGUAGE_CODE = "en"


def test_contracts_by_month_equal_raw_sql(deals):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT to_char(registered_on, 'YYYY-MM'), count(*),
                   sum(contract_amount_wan), sum(transaction_amount_wan)
            FROM market_deal
            WHERE registered_on >= '2026-01-01' AND registered_on < '2026-04-01'
            GROUP BY 1
            """
        )
        expected = {m: (n, c, t) for m, n, c, t in cursor.fetchall()}
    rows = selectors.contracts_by_month(Q1, ALL)
    assert [r["month"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    for row in rows:
        assert (
            row["contracts"],
            row["contract_amount"],
            row["transaction_amount"],
        ) == (expected[row["month"]])


def test_contracts_by_field_and_mode_by_hand(deals):
    registered = [deals[k] for k in ("inside", "absorbed", "output")]
    by_field = {r["code"]: r for r in selectors.contracts_by_field(Q1, ALL)}
    for code in {deal.field.parent.code for deal in registered}:
        mine = [deal for deal in registered if deal.field.parent.code == code]
        assert by_field[code]["contracts"] == len(mine)
        assert by_field[code]["contract_amount"] == sum(
            deal.contract_amount_wan for deal in mine
        )
    by_mode = {r["mode"]: r for r in selectors.contracts_by_mode(Q1, ALL)}
    assert set(by_mode) == {"transfer", "licence"}
    assert by_mode["transfer"]["contracts"] == 2
    assert by_mode["transfer"]["contract_amount"] == Decimal("170")
    assert by_mode["licence"]["transaction_amount"] == Decimal("60")


def test_deals_by_stage_counts_deals_opened_in_the_period(deals):
    rows = {r["stage"]: r["deals"] for r in selectors.deals_by_stage(Q1, ALL)}
    assert rows == {
        "intent": 0,
        "negotiation": 0,
        "signed": 1,
        "registered": 1,
        "performing": 1,
        "completed": 1,
        "terminated": 0,
    }


def test_technology_flows_of_the_zone(deals):
    rows = {r["flow"]: r for r in selectors.technology_flows(Q1, ALL)}
    assert rows["output"]["contracts"] == 2  # inside, output
    assert rows["output"]["contract_amount"] == Decimal("170")
    assert rows["output_outside"]["contracts"] == 1
    assert rows["absorption"]["contracts"] == 2  # inside, absorbed
    assert rows["absorption_outside"]["contract_amount"] == Decimal("80.50")


def test_technology_flows_empty_without_a_zone(deals, settings):
    settings.TECHMATCH_ZONE_REGION_CODES = []
    assert selectors.technology_flows(Q1, ALL) == []


def test_top_institutions_by_contract_amount(deals, market):
    rows = selectors.top_institutions(Q1, ALL)
    # firm bought in all three (120 + 80.50 + 50), university sold twice, other once.
    assert [(r["name"], r["contracts"], r["contract_amount"]) for r in rows] == [
        (market["firm"].name, 3, Decimal("250.50")),
        (market["university"].name, 2, Decimal("170")),
        (market["other"].name, 1, Decimal("80.50")),
    ]


def test_cuts_apply_to_deals(deals, market):
    only_other = selectors.contracts_by_month(Q1, Cuts(institution=market["other"]))
    assert sum(r["contracts"] for r in only_other) == 1
    beijing = market["beijing"].parent
    in_beijing = selectors.contracts_by_mode(Q1, Cuts(region=beijing))
    assert sum(r["contracts"] for r in in_beijing) == 2  # absorbed, output
    software = selectors.contracts_by_field(Q1, Cuts(field=market["software"].parent))
    assert [r["contracts"] for r in software] == [1]


def test_funnel_deal_stages(deals, market):
    rows = {r["stage"]: r["listings"] for r in selectors.funnel(Q1, ALL)}
    # Listings posted in Q1 that are the outcome or demand of a deal: o_jan, d_jan,
    # o_mar_midnight, d_mar2, o_feb, d_mar — all six, all signed and registered.
    assert (rows["deal"], rows["signed"], rows["registered"]) == (6, 6, 6)
    assert rows["paid"] == 2  # both sides of the "inside" deal


def test_public_contracts_hide_amounts_of_small_cells(deals, settings):
    rows = selectors.public_contracts_by_month(Q1, ALL)
    assert [r["contracts"] for r in rows] == [1, 1, 1]
    assert all(r["contract_amount"] is None for r in rows)
    by_field = {r["code"]: r for r in selectors.public_contracts_by_field(Q1, ALL)}
    assert (
        by_field["04"]["contracts"] == 2 and by_field["04"]["contract_amount"] is None
    )
    settings.REPORTS_PUBLIC_MIN_DEALS = 2
    by_field = {r["code"]: r for r in selectors.public_contracts_by_field(Q1, ALL)}
    assert by_field["04"]["contract_amount"] == Decimal("200.50")


def test_public_page_shows_a_contract_registered_today_without_naming_parties(
    client, market
):
    deal = deal_at(
        DealStage.REGISTERED,
        outcome=market["o_feb"],
        demand=market["d_jan"],
        contract="77.77",
        transaction="70",
        on=timezone.localdate(),
    )
    page = client.get(reverse("reports:public")).content.decode()
    assert 'id="figure-public_contracts_by_month"' in page
    month = timezone.localdate().strftime("%Y-%m")
    row = page.split(f'<th scope="row">{month}</th>')
    assert len(row) >= 2
    contracts_row = [part for part in row[1:] if "<td>1</td>" in part.split("</tr>")[0]]
    assert contracts_row, "this month's registered contract is shown"
    assert "77.77" not in page  # one contract: its amount stays hidden
    for name in (deal.supplier.name, deal.buyer.name, deal.title):
        assert name not in page
    body = client.get(
        reverse("reports:data", args=["public_contracts_by_month", "json"])
    ).json()
    assert body["rows"][-1] == {
        "month": month,
        "contracts": 1,
        "contract_amount": None,
        "transaction_amount": None,
    }


@pytest.mark.parametrize(
    "name",
    ["top_institutions", "technology_flows", "contracts_by_month", "deals_by_stage"],
)
def test_named_and_exact_deal_figures_are_for_managers_only(client, cast, name):
    url = reverse("reports:data", args=[name, "json"])
    assert client.get(url).status_code == 302
    client.force_login(cast["agent"])
    assert client.get(url).status_code == 403
    client.force_login(cast["manager"])
    assert client.get(url).status_code == 200


def test_funnel_per_field_region_and_institution_by_hand(deals, market):
    by_field = {r["code"]: r for r in selectors.funnel_by_field(Q1, ALL)}
    stages = ("posted", "viewed", "interest", "introduction", "deal", "registered")
    assert [by_field["04"][s] for s in stages] == [4, 4, 2, 2, 4, 4]
    assert [by_field["01"][s] for s in stages] == [2, 0, 0, 0, 2, 2]
    assert by_field["04"]["paid"] == 2 and by_field["01"]["paid"] == 0
    # The parts add up to the whole funnel.
    whole = {r["stage"]: r["listings"] for r in selectors.funnel(Q1, ALL)}
    for rows in (
        selectors.funnel_by_field(Q1, ALL),
        selectors.funnel_by_region(Q1, ALL),
    ):
        for stage, total in whole.items():
            assert sum(row[stage] for row in rows) == total, stage
    by_org = selectors.funnel_by_institution(Q1, ALL)
    # firm posted 3 (d_jan, d_mar, d_mar2), university 2, other 1: most first.
    assert [(r["name"], r["posted"]) for r in by_org] == [
        (market["firm"].name, 3),
        (market["university"].name, 2),
        (market["other"].name, 1),
    ]
    assert by_org[0]["code"] == market["firm"].pk


def test_key_figures_are_the_period_totals(deals, market):
    from matching.models import Decision, DecisionAction
    from tests.factories.introductions import ProposalFactory

    for action in (DecisionAction.ACCEPT, DecisionAction.ACCEPT, DecisionAction.REJECT):
        decision = Decision.objects.create(
            proposal=ProposalFactory(), agent=market["agent"], action=action, score=0.5
        )
        Decision.objects.filter(pk=decision.pk).update(created_at=at(2026, 2, 2))
    values = {r["measure"]: r["value"] for r in selectors.key_figures(Q1, ALL)}
    assert (values["outcomes"], values["demands"], values["challenges"]) == (3, 3, 1)
    assert (values["accepted"], values["rejected"]) == (2, 1)
    assert values["acceptance_rate"] == 66.7
    assert values["introduced"] == 1 and values["median_days"] == 14.5
    assert values["contracts"] == 3
    assert values["contract_amount"] == Decimal("250.50")  # 120 + 80.50 + 50
    assert values["transaction_amount"] == Decimal("200")  # 100 + 60 + 40
