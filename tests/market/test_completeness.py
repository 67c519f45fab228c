"""Completeness guidance: what a listing still lacks for buyers to judge it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image as PILImage

from market.completeness import assess, is_quantified
from market.models import (
    Demand,
    IPRight,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
)
from market.uploads import store_document, store_image
from tests.factories import DemandFactory, OutcomeFactory
from tests.factories.files import pdf

TODAY = dt.date(2026, 3, 1)
SUMMARY = "面向新能源汽车车身的高强韧铝合金及其一体化压铸工艺：" * 3


@pytest.fixture(autouse=True)
def english():
    """Assert on the English source strings, whatever locale/ translates them to."""
    with translation.override("en"):
        yield


def names(checks) -> set[str]:
    return {check.name for check in checks}


def test_assess_of_an_empty_outcome_draft_scores_zero_and_advises_on_everything():
    result = assess(Outcome(), today=TODAY)

    assert result.score == 0
    assert result.level == "low"
    assert names(result.missing) == {
        "summary",
        "keywords",
        "advantages",
        "comparison",
        "ip_numbers",
        "maturity",
        "maturity_evidence",
        "price",
        "images",
        "attachments",
    }
    advice = {check.name: str(check.guidance) for check in result.missing}
    assert "figures with units" in advice["advantages"]
    assert "ZL202310123456.7" in advice["ip_numbers"]


@pytest.mark.parametrize("kind", [Outcome, Demand])
def test_assess_weights_add_up_to_one_hundred(kind):
    assert sum(check.weight for check in assess(kind(), today=TODAY).checks) == 100


def test_assess_quantified_advantages_raise_the_score():
    outcome = Outcome(summary=SUMMARY, advantages="性能更好，成本更低，寿命更长。")
    before = assess(outcome, today=TODAY)

    outcome.advantages = "屈服强度提高 25 %，成本降低 18%，寿命 2×。"
    after = assess(outcome, today=TODAY)

    assert "advantages" in names(before.missing)
    assert "advantages" in names(after.passed)
    assert after.score == before.score + 15


@pytest.mark.parametrize(
    "text",
    [
        "yield +12 %",
        "屈服强度 320 MPa",
        "寿命 2×",
        "效率提高2倍",
        "能耗降低30个百分点",
        "成本下降1.5万元",
        "工作温度 -40 ℃",
        "精度 0.5 μm",
        "良率 99.5％",
    ],
)
def test_is_quantified_recognises_figures_with_units(text):
    assert is_quantified(text)


@pytest.mark.parametrize("text", ["", "性能优异，国际领先", "第3代工艺", "since 2021"])
def test_is_quantified_ignores_text_without_a_measured_figure(text):
    assert not is_quantified(text)


def test_assess_summary_must_be_between_60_and_600_characters():
    short = assess(Outcome(summary="太短的摘要"), today=TODAY)
    right = assess(Outcome(summary="字" * 60), today=TODAY)
    long = assess(Outcome(summary="字" * 601), today=TODAY)

    assert "summary" in names(short.missing)
    assert "summary" in names(right.passed)
    assert "summary" in names(long.missing)


def test_assess_negotiable_price_counts_as_a_price():
    result = assess(Outcome(price_negotiable=True), today=TODAY)

    assert "price" in names(result.passed)


def test_assess_demand_needs_measurable_objectives_and_a_future_deadline():
    demand = Demand(
        objectives=["降低处理成本", "出水镍 ≤ 0.1 mg/L"],
        deadline=TODAY - dt.timedelta(days=1),
    )
    vague = assess(demand, today=TODAY)

    demand.objectives = ["吨水成本 ≤ 3 元", "出水镍 ≤ 0.1 mg/L"]
    demand.deadline = TODAY
    measurable = assess(demand, today=TODAY)

    assert {"objectives", "deadline"} <= names(vague.missing)
    assert {"objectives", "deadline"} <= names(measurable.passed)


def test_assess_demand_problem_is_measured_without_its_markup():
    padded = Demand(problem="<p>" + "<strong></strong>" * 100 + "短</p>")
    detailed = Demand(problem="<p>" + "现有工艺出水镍浓度波动大，" * 12 + "</p>")

    assert "problem" in names(assess(padded, today=TODAY).missing)
    assert "problem" in names(assess(detailed, today=TODAY).passed)


def test_assess_complete_demand_scores_one_hundred():
    demand = Demand(
        summary=SUMMARY,
        keywords=["重金属", "废水", "深度处理"],
        problem="<p>" + "现有化学沉淀法出水镍浓度不稳定，" * 10 + "</p>",
        objectives=["出水镍 ≤ 0.1 mg/L"],
        expected_maturity=6,
        budget_max_wan=Decimal("200"),
        deadline=TODAY + dt.timedelta(days=30),
    )

    result = assess(demand, today=TODAY)

    assert result.score == 100
    assert result.missing == []
    assert result.level == "high"


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20)).save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")


@pytest.mark.django_db
def test_assess_of_a_factory_outcome_made_complete_scores_high():
    outcome = OutcomeFactory(
        summary=SUMMARY,
        comparison="比传统 6 系铝合金挤压件减重 30%，成本相当。",
        maturity_evidence="中试线连续运行 3 个月，第三方检测报告编号 2025-0123。",
    )
    IPRight.objects.create(outcome=outcome, kind="invention", number="ZL202310123456.7")
    image = store_image(_png(), title="样件", uploaded_by_user_id=None)
    OutcomeImage.objects.create(outcome=outcome, image=image)
    document = store_document(
        SimpleUploadedFile("r.pdf", pdf()),
        title="报告",
        uploaded_by_user_id=None,
    )
    OutcomeAttachment.objects.create(outcome=outcome, document=document)

    result = assess(Outcome.objects.get(pk=outcome.pk))

    assert result.score == 100
    assert result.level == "high"


@pytest.mark.django_db
def test_assess_of_a_factory_outcome_as_is_points_at_what_buyers_miss():
    result = assess(OutcomeFactory())

    assert 30 <= result.score < 80
    assert {"comparison", "ip_numbers", "images", "attachments"} <= names(
        result.missing
    )
    assert "advantages" in names(result.passed)


@pytest.mark.django_db
def test_assess_reads_prefetched_relations_without_queries(django_assert_num_queries):
    outcome = OutcomeFactory()
    IPRight.objects.create(outcome=outcome, kind="invention", number="ZL202310123456.7")
    loaded = Outcome.objects.prefetch_related(
        "ip_rights", "gallery", "attachments"
    ).get(pk=outcome.pk)

    with django_assert_num_queries(0):
        result = assess(loaded)

    assert "ip_numbers" in names(result.passed)


@pytest.mark.django_db
def test_assess_of_a_base_listing_row_judges_its_specific_kind():
    demand = DemandFactory()
    from market.models import Listing

    result = assess(Listing.objects.get(pk=demand.pk))

    assert "objectives" in names(result.checks)
