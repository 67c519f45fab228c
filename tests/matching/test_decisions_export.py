"""The export of agents' decisions: who may download it, its columns, the formula
guard, the date range, and malformed parameters answered with 400."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from matching.models import Decision, DecisionAction, RejectReason
from tests.factories import MembershipFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.introductions import ProposalFactory

pytestmark = pytest.mark.django_db

URL = "matching_lists:decisions_export"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(db):
    sync_role_groups()
    researcher = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=researcher)
    enterprise = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=enterprise)
    return {
        "agent": UserFactory(roles=[Role.AGENT], display_name="=王经纪"),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "researcher": researcher,
        "enterprise": enterprise,
        "expert": UserFactory(roles=[Role.EXPERT]),
    }


def _decide(agent, *, day: dt.date, **extra) -> Decision:
    proposal = ProposalFactory(**extra.pop("proposal", {}))
    decision = Decision.objects.create(
        proposal=proposal,
        agent=agent,
        action=extra.pop("action", DecisionAction.REJECT),
        reason=extra.pop("reason", RejectReason.PRICE_GAP),
        note=extra.pop("note", ""),
        score=proposal.score,
        components=proposal.components,
        engine_version="1",
        model_version="lsa-test",
    )
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    Decision.objects.filter(pk=decision.pk).update(created_at=noon)
    return decision


def _login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 200),
        ("moderator", 200),
        ("researcher", 403),
        ("enterprise", 403),
        ("expert", 403),
    ],
)
def test_decisions_export_is_for_agents_and_moderators(client, cast, who, status):
    _decide(cast["agent"], day=dt.date(2026, 11, 3))
    _login(client, cast[who])
    assert client.get(reverse(URL)).status_code == status
    response = client.get(reverse(URL), {"format": "csv"})
    assert response.status_code == status
    if status == 200:
        assert len(_csv(response)) == 1


def test_decisions_export_sends_anonymous_visitors_to_log_in(client, cast):
    response = client.get(reverse(URL), {"format": "csv"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_decisions_export_csv_has_who_when_what_and_the_pair(client, cast):
    decision = _decide(
        cast["agent"],
        day=dt.date(2026, 11, 3),
        note="价格差距过大",
        proposal={
            "demand__title": "寻求储能热管理技术",
            "outcome__title": "相变储能材料",
        },
    )
    [row] = _csv(_login(client, cast["moderator"]).get(reverse(URL), {"format": "csv"}))

    proposal = decision.proposal
    assert row["decision_id"] == str(decision.pk)
    assert row["decided_at"].startswith("2026-11-03T12:00:00")
    assert row["agent_id"] == str(cast["agent"].pk)
    assert row["action"] == "reject" and row["reason"] == "price_gap"
    assert row["note"] == "价格差距过大"
    assert float(row["score"]) == pytest.approx(0.72)
    assert float(row["component_semantic"]) == pytest.approx(0.8)
    assert float(row["component_field"]) == pytest.approx(1.0)
    assert row["engine_version"] == "1" and row["model_version"] == "lsa-test"
    assert row["proposal_id"] == str(proposal.pk)
    assert row["demand_id"] == str(proposal.demand_id)
    assert row["demand_title"] == "寻求储能热管理技术"
    assert row["outcome_id"] == str(proposal.outcome_id)
    assert row["outcome_title"] == "相变储能材料"


FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3+cmd", "@SUM(A1)"]


def test_decisions_export_guards_formulas_in_csv(client, cast):
    for note in FORMULAS:
        _decide(
            cast["agent"],
            day=dt.date(2026, 11, 3),
            note=note,
            proposal={"demand__title": note},
        )
    rows = _csv(_login(client, cast["agent"]).get(reverse(URL), {"format": "csv"}))

    assert [row["note"] for row in rows] == ["'" + note for note in FORMULAS]
    assert [row["demand_title"] for row in rows] == ["'" + note for note in FORMULAS]
    assert {row["agent"] for row in rows} == {"'=王经纪"}


def test_decisions_export_xlsx_keeps_texts_as_texts_and_scores_as_numbers(client, cast):
    _decide(cast["agent"], day=dt.date(2026, 11, 3), note=FORMULAS[0])
    response = _login(client, cast["agent"]).get(reverse(URL), {"format": "xlsx"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell for cell in sheet[2]], strict=True))
    assert values["note"].value == "'" + FORMULAS[0]
    assert values["note"].data_type == "s"
    assert values["score"].value == pytest.approx(0.72)
    assert values["component_lexical"].value == pytest.approx(0.5)


def test_decisions_export_filters_by_date_range(client, cast):
    for day in (1, 2, 3, 4):
        _decide(cast["agent"], day=dt.date(2026, 11, day), note=f"day {day}")
    _login(client, cast["agent"])

    rows = _csv(
        client.get(
            reverse(URL), {"format": "csv", "from": "2026-11-02", "to": "2026-11-03"}
        )
    )
    assert [row["note"] for row in rows] == ["day 2", "day 3"]
    rows = _csv(client.get(reverse(URL), {"format": "csv", "from": "2026-11-04"}))
    assert [row["note"] for row in rows] == ["day 4"]
    rows = _csv(client.get(reverse(URL), {"format": "csv", "to": "2026-11-01"}))
    assert [row["note"] for row in rows] == ["day 1"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "YYYY-MM-DD"),
        ({"to": "yesterday"}, "YYYY-MM-DD"),
        ({"from": "1-1-1"}, "YYYY-MM-DD"),
        ({"from": "9999-12-31"}, "YYYY-MM-DD"),
        ({"to": "2026-11-01\x00"}, "YYYY-MM-DD"),
        ({"from": "２０２６-１１-０１"}, "YYYY-MM-DD"),
        ({"from": "2026-11-05", "to": "2026-11-01"}, "comes after"),
        ({"format": "pdf"}, "CSV or XLSX"),
    ],
)
def test_decisions_export_answers_malformed_parameters_with_400(
    client, cast, params, message
):
    response = _login(client, cast["agent"]).get(
        reverse(URL), {"format": "csv", **params}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
