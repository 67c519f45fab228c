"""Cell readers of the import: the forms operators write, and their canonical text."""

from __future__ import annotations

import codecs
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from market.imports import values as v
from market.imports.parsing import FileRejected, read_table

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("300", (D("300"), None, False)),
        ("1,200.5万元", (D("1200.5"), None, False)),
        ("３００", (D("300"), None, False)),
        (250.0, (D("250"), None, False)),
        ("面议", (None, None, True)),
        ("300（可面议）", (D("300"), None, True)),
        ("", (None, None, False)),
    ],
)
def test_price_reads_numbers_and_negotiable(cell, expected):
    assert v.price(cell) == expected
    assert v.price(v.format_price(expected)) == expected


@pytest.mark.parametrize("cell", ["三百", "-1", "1.234", "NaN", "1e12", "300 元左右"])
def test_price_refuses_what_is_no_amount(cell):
    with pytest.raises(v.CellError):
        v.price(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("50-200", (D(50), D(200), False)),
        ("50～200万元", (D(50), D(200), False)),
        ("50 至 200", (D(50), D(200), False)),
        ("≤100", (None, D(100), False)),
        ("100万以内", (None, D(100), False)),
        (">=50", (D(50), None, False)),
        ("100", (D(100), D(100), False)),
        (100, (D(100), D(100), False)),
        ("面议", (None, None, True)),
        ("50-200（可面议）", (D(50), D(200), True)),
    ],
)
def test_budget_reads_ranges_bounds_and_negotiable(cell, expected):
    assert v.budget(cell) == expected
    assert v.budget(v.format_budget(expected)) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (6, 6),
        ("TRL 6", 6),
        ("trl-3", 3),
        ("7级", 7),
        ("实验室", 1),
        ("小试", 4),
        ("中试", 6),
        ("试生产", 7),
        ("量产", 9),
        ("Pilot scale", 6),
        ("", None),
    ],
)
def test_maturity_reads_levels_and_stage_names(cell, expected):
    assert v.maturity(cell) == expected


@pytest.mark.parametrize("cell", ["10", "0", "很成熟", 6.5])
def test_maturity_refuses_other_values(cell):
    with pytest.raises(v.CellError, match="readiness level"):
        v.maturity(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "2026-06-30",
        "2026/6/30",
        "2026.06.30",
        "2026年6月30日",
        "2026/6/30 0:00",
        dt.datetime(2026, 6, 30),
        46203,  # Excel's serial number of 2026-06-30
    ],
)
def test_date_reads_the_usual_forms(cell):
    assert v.date(cell) == dt.date(2026, 6, 30)


@pytest.mark.parametrize("cell", ["2026-02-30", "30/06/2026", "下个月"])
def test_date_refuses_impossible_or_ambiguous_dates(cell):
    with pytest.raises(v.CellError, match="is not a date"):
        v.date(cell)


def test_ip_rights_read_types_numbers_and_statuses():
    entries = v.ip_rights(
        "发明专利:ZL201910123456.7; 软件著作权：2021SR0123456\n实用新型:2023201234(审查中)；技术秘密"
    )

    assert entries == [
        v.IPEntry("invention", "ZL201910123456.7", "granted"),
        v.IPEntry("software", "2021SR0123456", "granted"),
        v.IPEntry("utility", "2023201234", "examination"),
        v.IPEntry("secret", "", "n/a"),
    ]
    assert v.ip_rights(v.format_ip_rights(entries)) == entries


def test_ip_rights_name_the_unknown_type():
    with pytest.raises(v.CellError, match='"商标" is not a type of IP right'):
        v.ip_rights("商标:123456")


def test_rich_text_escapes_plain_text_and_round_trips():
    html = v.rich_text("第一段 <不是标签> & 符号\n\n第二段")

    assert html == "<p>第一段 &lt;不是标签&gt; &amp; 符号</p><p>第二段</p>"
    assert v.format_rich_text(html) == "第一段 <不是标签> & 符号\n第二段"


def test_text_takes_off_the_formula_guard_of_the_export():
    assert v.text("'=SUM(A1)") == "=SUM(A1)"
    assert v.text("'quoted'") == "'quoted'"
    assert v.text(1001.0) == "1001"


def test_read_table_detects_encodings_of_csv_files():
    text = "外部编号,成果名称\nCG-1,𠀀鑫淼\n"

    tables = {
        name: read_table(data)
        for name, data in {
            "bom": codecs.BOM_UTF8 + text.encode(),
            "utf-8": text.encode(),
            "gb18030": text.encode("gb18030"),
            "utf-16": text.replace(",", "\t").encode("utf-16"),
        }.items()
    }

    for table in tables.values():
        assert table.headers == ["外部编号", "成果名称"]
        assert table.rows == [(2, ["CG-1", "𠀀鑫淼"])]
    assert {name: t.encoding for name, t in tables.items()} == {
        "bom": "utf-8-sig",
        "utf-8": "utf-8",
        "gb18030": "gb18030",
        "utf-16": "utf-16",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken", "Excel workbook"),
    ],
)
def test_read_table_refuses_unreadable_files(data, message):
    with pytest.raises(FileRejected, match=message):
        read_table(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("江苏省 苏州市 吴中区", "320506"),
        ("苏州市吴中区", "320506"),
        ("江苏省/苏州市/吴中区", "320506"),
        ("320506", "320506"),
        ("北京市", "110000"),
        ("北京市 北京市", "110100"),
        ("北京市海淀区", "110108"),
        ("江苏省", "320000"),
    ],
)
def test_region_reads_codes_and_names(cell, code):
    reference = v.Reference()

    region = reference.region(cell)

    assert region.code == code
    assert reference.region(reference.region_cell(region)) == region


@pytest.mark.django_db
def test_field_reads_codes_names_and_paths():
    reference = v.Reference()

    found = [
        reference.field(cell).code
        for cell in ("0401", "金属材料", "新材料/金属材料", "new materials", "04")
    ]

    assert found == ["0401", "0401", "0401", "04", "04"]
