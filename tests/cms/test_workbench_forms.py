"""The workbench forms' parsing and validation, without the views around them."""

from __future__ import annotations

import pytest
from django.utils import translation

from cms.workbench.forms import (
    PATENT_NUMBER,
    DemandForm,
    IPRightForm,
    field_choices,
    normalise_ip_number,
    parse_keywords,
    parse_lines,
)
from market.models import TechField


@pytest.fixture(autouse=True)
def english():
    """Assert on the English source strings, whatever locale/ translates them to."""
    with translation.override("en"):
        yield


def test_parse_keywords_splits_at_commas_enumeration_commas_semicolons_and_spaces():
    text = " 铝合金，一体化压铸、轻量化；新能源汽车;battery, LiDAR  铝合金 \n热处理 "

    assert parse_keywords(text) == [
        "铝合金",
        "一体化压铸",
        "轻量化",
        "新能源汽车",
        "battery",
        "LiDAR",
        "热处理",
    ]


def test_parse_keywords_of_blank_text_is_empty():
    assert parse_keywords(" ，、 ; ") == []


def test_parse_lines_drops_blank_lines_bullets_and_numbering():
    text = "- 出水镍 ≤ 0.1 mg/L\n\n  2. 吨水成本 ≤ 3 元\n• 运行 8000 h 无故障\n"

    assert parse_lines(text) == [
        "出水镍 ≤ 0.1 mg/L",
        "吨水成本 ≤ 3 元",
        "运行 8000 h 无故障",
    ]


@pytest.mark.parametrize(
    "number",
    [
        "ZL202310123456.7",
        "ZL 2023 1012 3456.X",
        "202310123456.7",
        "CN202310123456.7",
        "ZL02123456.7",
        "CN114123456A",
        "CN212345678U",
        "ｚｌ２０２３１０１２３４５６．７",
    ],
)
def test_patent_number_pattern_accepts_usual_chinese_forms(number):
    assert PATENT_NUMBER.match(normalise_ip_number(number))


@pytest.mark.parametrize("number", ["12345", "ZL20231012345.6", "US1234567B2", "专利"])
def test_patent_number_pattern_refuses_other_text(number):
    assert not PATENT_NUMBER.match(normalise_ip_number(number))


@pytest.mark.parametrize(
    ("kind", "number", "error"),
    [
        ("invention", "", "A patent needs its number."),
        ("utility", "US1234567", "This does not look like a Chinese patent number"),
        ("software", "", "A software copyright needs its registration number."),
        ("software", "SR1234567", "software copyright registration number"),
    ],
)
def test_ip_right_form_explains_a_bad_number(kind, number, error):
    form = IPRightForm({"kind": kind, "number": number, "legal_status": "granted"})

    assert not form.is_valid()
    assert error in form.errors["number"][0]


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("software", "2023sr1234567", "2023SR1234567"),
        ("secret", "", ""),
        ("other", "", ""),
        ("invention", "zl 202310123456.7", "ZL202310123456.7"),
    ],
)
def test_ip_right_form_accepts_and_normalises(kind, number, stored):
    form = IPRightForm({"kind": kind, "number": number, "legal_status": "n/a"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["number"] == stored


@pytest.mark.django_db
def test_field_choices_group_sub_fields_under_their_top_level_field():
    choices = field_choices(TechField.objects.filter(is_active=True).order_by("code"))

    groups = dict(choices[1:])
    materials = TechField.objects.get(code="04")
    assert str(materials.label) in groups
    codes = {
        TechField.objects.get(pk=pk).code for pk, _label in groups[materials.label]
    }
    assert "0401" in codes and "04" in codes
    assert all(code.startswith("04") for code in codes)


@pytest.mark.django_db
def test_demand_form_keeps_a_region_without_city_and_district():
    form = DemandForm(
        {
            "title": "需求",
            "summary": "摘要",
            "confidentiality": "public",
            "region_0": "110000",
            "region_1": "",
            "region_2": "",
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].code == "110000"


@pytest.mark.django_db
def test_demand_form_refuses_a_city_of_another_province():
    form = DemandForm(
        {
            "title": "需求",
            "summary": "摘要",
            "confidentiality": "public",
            "region_0": "110000",
            "region_1": "320500",
        }
    )

    assert not form.is_valid()
    assert form.errors.as_data()["region"][0].code == "region_mismatch"


@pytest.mark.django_db
def test_demand_form_region_widget_shows_the_stored_region_in_three_selects():
    from market.models import Region

    district = Region.objects.get(code="320506")
    form = DemandForm(initial={"region": district.pk})

    html = str(form["region"])

    for code in ("320000", "320500", "320506"):
        assert f'<option value="{code}" selected>' in html
    assert html.count("<label for=") == 3
