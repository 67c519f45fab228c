"""The reference data shipped with the market app: technology fields and regions.

These JSON files seed lookup tables through data migrations, so a mistake in
them is what a user sees in every picker and filter. No database is needed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "market" / "data"

FIELD_NAMES = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
]

# The cities the demo data places organisations in; each needs its districts.
DEMO_CITIES = {
    "320500": "苏州市",
    "310100": "上海市",
    "440100": "广州市",
    "340100": "合肥市",
    "110100": "北京市",
    "440300": "深圳市",
    "330100": "杭州市",
    "320100": "南京市",
    "420100": "武汉市",
    "510100": "成都市",
    "610100": "西安市",
}

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
SIX_DIGITS = re.compile(r"\d{6}")


@cache
def load(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def fields() -> list[dict]:
    return load("tech_fields.json")


def regions() -> list[dict]:
    return load("regions.json")


def cities() -> list[tuple[dict, dict]]:
    return [(prov, city) for prov in regions() for city in prov["children"]]


def districts() -> list[tuple[dict, dict]]:
    return [
        (city, district)
        for _, city in cities()
        for district in city.get("children", [])
    ]


# --- technology fields ---------------------------------------------------------


def test_there_are_the_eight_national_fields_in_document_order():
    assert [f["name"] for f in fields()] == FIELD_NAMES
    assert [f["code"] for f in fields()] == [f"{i:02d}" for i in range(1, 9)]


def test_field_codes_are_unique_and_subfields_nest_under_their_field():
    codes = []
    for field in fields():
        codes.append(field["code"])
        for sub in field["children"]:
            codes.append(sub["code"])
            assert re.fullmatch(r"\d{4}", sub["code"]), sub
            assert sub["code"].startswith(field["code"]), sub
    assert len(codes) == len(set(codes))


def test_subfield_codes_run_in_order_without_gaps():
    for field in fields():
        expected = [
            f"{field['code']}{i:02d}" for i in range(1, len(field["children"]) + 1)
        ]
        assert [s["code"] for s in field["children"]] == expected


def test_every_field_has_subfields_with_keywords_and_english_names():
    for field in fields():
        assert field["name_en"].strip()
        assert len(field["children"]) >= 2, field["name"]
        for sub in field["children"]:
            assert sub["name"].strip() and sub["name_en"].strip(), sub
            keywords = sub["keywords"]
            assert 5 <= len(keywords) <= 10, sub["name"]
            assert len(keywords) == len(set(keywords)), sub["name"]
            assert all(isinstance(k, str) and k.strip() for k in keywords)


def test_well_known_subfields_are_where_the_document_puts_them():
    by_code = {s["code"]: s["name"] for f in fields() for s in f["children"]}
    assert by_code["0101"] == "软件"
    assert by_code["0202"] == "中药、天然药物"
    assert by_code["0302"] == "航天技术"
    assert by_code["0505"] == "知识产权与成果转化服务"
    assert by_code["0809"] == "传统文化产业改造技术"
    assert len(by_code) == 52


# --- regions -------------------------------------------------------------------


def test_all_34_provincial_level_divisions_are_listed():
    provinces = regions()
    assert len(provinces) == 34
    names = {p["name"] for p in provinces}
    assert {
        "北京市",
        "江苏省",
        "内蒙古自治区",
        "台湾省",
        "香港特别行政区",
        "澳门特别行政区",
    } <= names
    assert all(p["code"].endswith("0000") for p in provinces)
    assert all(p["name_en"].strip() for p in provinces)


def test_region_codes_are_unique_six_digit_codes():
    codes = [p["code"] for p in regions()]
    codes += [c["code"] for _, c in cities()]
    codes += [d["code"] for _, d in districts()]
    assert all(SIX_DIGITS.fullmatch(code) for code in codes)
    assert len(codes) == len(set(codes))


def test_cities_belong_to_their_province():
    for prov, city in cities():
        assert city["code"][:2] == prov["code"][:2], city
        assert city["code"].endswith("00"), city
        assert city["name_en"].strip(), city


def test_districts_belong_to_their_city():
    for city, district in districts():
        if city["code"][:2] + "0000" in MUNICIPALITIES:
            # GB/T 2260 splits a municipality into 市辖区 (xx01) and 县 (xx02).
            assert district["code"][:2] == city["code"][:2], district
            assert district["code"][2:4] in {"01", "02"}, district
        else:
            assert district["code"][:4] == city["code"][:4], district
        assert district["name_en"].strip(), district


def test_mainland_provinces_have_their_prefectures():
    by_code = {p["code"]: p for p in regions()}
    for code, prov in by_code.items():
        if code in {"710000", "810000", "820000"}:
            continue
        assert prov["children"], prov["name"]
    assert {c["name"] for c in by_code["320000"]["children"]} >= {
        "南京市",
        "苏州市",
        "宿迁市",
    }
    prefectures = [c for _, c in cities() if c["code"][2:4] != "90"]
    # 333 prefecture-level divisions plus the four municipalities themselves.
    assert len(prefectures) == 333 + 4


def test_municipalities_are_their_own_single_city():
    for prov in regions():
        if prov["code"] in MUNICIPALITIES:
            assert len(prov["children"]) == 1
            city = prov["children"][0]
            assert city["name"] == prov["name"]
            assert city["code"] == prov["code"][:2] + "0100"
            assert city["children"]


def test_demo_cities_are_present_with_their_districts():
    by_code = {c["code"]: c for _, c in cities()}
    for code, name in DEMO_CITIES.items():
        assert code in by_code, name
        assert by_code[code]["name"] == name
        assert len(by_code[code].get("children", [])) >= 5, name
    suzhou = {d["name"]: d["code"] for d in by_code["320500"]["children"]}
    assert suzhou["姑苏区"] == "320508"
    assert suzhou["吴中区"] == "320506"
    assert "苏州工业园区" not in suzhou
