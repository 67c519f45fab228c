"""Every figure equals an independent aggregate: raw SQL or a hand count over the rows
the test made; the period (Beijing months) and the cuts are respected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from matching.models import Decision, DecisionAction
from reports import selectors
from reports.params import Cuts, Period, parse_report_query, preset_period
from tests.factories.introductions import ProposalFactory

from .conftest import at

pytestmark = pytest.mark.django_db

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
ALL = Cuts()


def _sql_month_counts(start: str, end: str) -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT to_char(first_published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'),
                   kind, count(*)
            FROM market_listing
            WHERE first_published_at AT TIME ZONE 'Asia/Shanghai' >= %s::timestamp
              AND first_published_at AT TIME ZONE 'Asia/Shanghai' < %s::timestamp
            GROUP BY 1, 2
            """,
            [start, end],
        )
        return {(month, kind): n for month, kind, n in cursor.fetchall()}


def test_listings_by_month_equal_raw_sql_in_beijing_months(market):
    rows = selectors.listings_by_month(Q1, ALL)
    expected = _sql_month_counts("2026-01-01", "2026-04-01")
    assert [row["month"] for row in rows] == ["2026-01", "2026-02", "2026-03"]
    for row in rows:
        assert row["outcomes"] == expected.get((row["month"], "outcome"), 0)
        assert row["demands"] == expected.get((row["month"], "demand"), 0)
    # By hand: the outcome published at 00:30 on 1 March Beijing time is March's.
    assert [(r["outcomes"], r["demands"], r["challenges"]) for r in rows] == [
        (1, 1, 0),
        (1, 0, 1),
        (1, 2, 0),
    ]


def test_listings_by_field_count_sub_fields_in_their_top_field(market):
    rows = {row["code"]: row for row in selectors.listings_by_field(Q1, ALL)}
    assert set(rows) == {"01", "04"}
    assert (
        rows["04"]["outcomes"],
        rows["04"]["demands"],
        rows["04"]["challenges"],
    ) == (
        2,
        2,
        1,
    )
    assert (rows["01"]["outcomes"], rows["01"]["demands"]) == (1, 1)
    assert rows["04"]["name"] == market["metals"].parent.name


def test_listings_by_region_per_province(market):
    rows = {row["code"]: row for row in selectors.listings_by_region(Q1, ALL)}
    assert set(rows) == {"320000", market["beijing"].code[:2] + "0000"}
    assert (rows["320000"]["outcomes"], rows["320000"]["demands"]) == (2, 2)
    assert rows["320000"]["challenges"] == 1


def test_cuts_narrow_every_listing_figure(market):
    metals_top = market["metals"].parent
    by_field = selectors.listings_by_month(Q1, Cuts(field=metals_top))
    assert sum(r["outcomes"] + r["demands"] for r in by_field) == 4
    by_sub = selectors.listings_by_month(Q1, Cuts(field=market["software"]))
    assert sum(r["outcomes"] + r["demands"] for r in by_sub) == 2
    province = market["suzhou"].parent.parent
    by_region = selectors.listings_by_month(Q1, Cuts(region=province))
    assert sum(r["outcomes"] + r["demands"] + r["challenges"] for r in by_region) == 5
    by_org = selectors.listings_by_month(Q1, Cuts(institution=market["university"]))
    assert sum(r["outcomes"] for r in by_org) == 2
    assert sum(r["demands"] + r["challenges"] for r in by_org) == 0


def test_funnel_counts_listings_reaching_each_stage(market):
    rows = {row["stage"]: row["listings"] for row in selectors.funnel(Q1, ALL)}
    posted = [
        market[k]
        for k in ("o_jan", "o_feb", "o_mar_midnight", "d_jan", "d_mar", "d_mar2")
    ]
    assert rows["posted"] == len(posted)
    assert rows["viewed"] == sum(1 for item in posted if item.view_count > 0)
    # o_jan has two requests but is one listing; d_mar2 one.
    assert rows["interest"] == 2
    # Both sides of the one introduction.
    assert rows["introduction"] == 2
    only_firm = {
        row["stage"]: row["listings"]
        for row in selectors.funnel(Q1, Cuts(institution=market["firm"]))
    }
    assert only_firm == {
        "posted": 3,
        "viewed": 2,
        "interest": 1,
        "introduction": 1,
        # No deal in this test (tests/reports/test_deal_figures.py has them).
        "deal": 0,
        "signed": 0,
        "registered": 0,
        "paid": 0,
    }


def test_time_to_first_introduction_in_days(market):
    rows = {r["month"]: r for r in selectors.time_to_first_introduction(Q1, ALL)}
    # d_jan published 20 Jan 12:00, introduced 4 Feb 00:00: 14.5 days.
    assert rows["2026-02"] == {
        "month": "2026-02",
        "demands": 1,
        "mean_days": 14.5,
        "median_days": 14.5,
    }
    assert rows["2026-01"]["demands"] == 0 and rows["2026-01"]["mean_days"] is None
    # A later introduction of the same demand does not move its first one.
    other = ProposalFactory(demand=market["d_jan"])
    from tests.factories.introductions import introduce

    later = introduce(other, agent=market["agent"], requester=market["agent"])
    type(later).objects.filter(pk=later.pk).update(created_at=at(2026, 3, 5))
    rows = {r["month"]: r for r in selectors.time_to_first_introduction(Q1, ALL)}
    assert rows["2026-03"]["demands"] == 0


def test_proposal_acceptance_rate_per_month(market):
    def decide(action, when, **proposal):
        decision = Decision.objects.create(
            proposal=ProposalFactory(**proposal),
            agent=market["agent"],
            action=action,
            score=0.5,
        )
        Decision.objects.filter(pk=decision.pk).update(created_at=when)

    decide(DecisionAction.ACCEPT, at(2026, 1, 5))
    decide(DecisionAction.REJECT, at(2026, 1, 6), demand=market["d_jan"])
    decide(DecisionAction.REJECT, at(2026, 1, 7))
    decide(DecisionAction.CLAIM, at(2026, 1, 8))
    decide(DecisionAction.ACCEPT, at(2026, 4, 1, 0, 1))  # after the period
    rows = {r["month"]: r for r in selectors.proposal_acceptance(Q1, ALL)}
    assert (rows["2026-01"]["accepted"], rows["2026-01"]["rejected"]) == (1, 2)
    assert rows["2026-01"]["rate"] == round(100 / 3, 1)
    assert rows["2026-02"]["rate"] is None
    firm_only = selectors.proposal_acceptance(Q1, Cuts(institution=market["firm"]))
    assert next((r["accepted"], r["rejected"]) for r in firm_only) == (0, 1)


def test_period_presets_and_malformed_values():
    today = dt.date(2026, 12, 6)
    assert preset_period("12m", today) == Period(
        dt.date(2026, 1, 1), dt.date(2026, 12, 1)
    )
    assert preset_period("last_year", today) == Period(
        dt.date(2025, 1, 1), dt.date(2025, 12, 1)
    )
    for params in (
        {"from": "2026-13"},
        {"to": "26-01"},
        {"from": "2026-05", "to": "2026-01"},
        {"from": "2000-01", "to": "2100-12"},
        {"preset": "forever"},
        {"field": "x1"},
        {"field": "9999"},
        {"region": "32050６"},
        {"region": "999999"},
        {"institution": "-1"},
        {"institution": "99999999"},
    ):
        assert parse_report_query(params).errors, params
    query = parse_report_query({"from": "2026-02", "to": "2026-02"})
    assert query.errors == () and query.period.months() == [dt.date(2026, 2, 1)]
