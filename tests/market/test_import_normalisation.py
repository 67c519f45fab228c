"""Issue 14: the values real catalogues hold are read, and the report says how.

The synonym tables of docs/import-format.md are read here and every entry is checked
against the import, so the documentation and the code cannot drift apart.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from market.imports import values as v
from market.imports.importer import import_listings
from market.models import CooperationMode, Demand, Outcome, TechField
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    demand_row,
    outcome_row,
)

D = Decimal
DOCS = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def doc_table(heading: str) -> list[tuple[list[str], str]]:
    """Rows (written values, read as) of the table under ``#### heading``."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"#### {heading}\n", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("written", "---"):
            continue
        rows.append((cells[0].split("、"), cells[1]))
    return rows


# -- the documented tables ------------------------------------------------------------


@pytest.mark.django_db
def test_documented_mode_synonyms_are_read_as_documented():
    reference = v.Reference()
    table = doc_table("合作方式 (modes)")
    documented = set()
    for written, meaning in table:
        documented.update(written)
        code = re.search(r"\((\w+)\)", meaning)
        for word in written:
            found = [mode.code for mode in reference.modes(word)]
            if code is None:  # 面议, 其他 …: no mode
                assert found == [], word
            else:
                assert found == [code.group(1)], word
    assert set(v.MODE_SYNONYMS) | set(v.NO_MODE) <= documented


@pytest.mark.django_db
def test_documented_maturity_labels_are_read_as_documented():
    table = doc_table("成熟度 / 期望成熟度 (maturity)")
    documented = set()
    for written, meaning in table:
        level = int(meaning.removeprefix("TRL "))
        for word in written:
            documented.add(word)
            assert v.maturity(word) == level, word
            assert v.maturity(f"{word}阶段") == level, word
    assert set(v.MATURITY_SYNONYMS) <= documented


@pytest.mark.django_db
def test_documented_field_names_are_read_as_documented():
    reference = v.Reference()
    table = doc_table("技术领域 (field)")
    for written, meaning in table:
        for word in written:
            assert reference.field(word).code == meaning.strip("`"), word
    assert set(v.FIELD_SYNONYMS) <= {w for written, _m in table for w in written}


def test_documented_open_ended_deadlines_mean_no_deadline():
    text = DOCS.read_text(encoding="utf-8")
    line = text.split("#### 截止日期 (deadline)\n", 1)[1].strip().splitlines()[0]
    words = line.split(":")[0].split("、")
    assert set(words) == set(v.OPEN_ENDED_DATES)
    for word in words:
        assert v.date(word) is None


# -- the issue's values, one by one ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("技术转让", ["transfer"]),
        ("委托开发", ["development"]),
        ("技术入股", ["equity"]),
        ("技术许可", ["license"]),
        ("合作开发", ["development"]),
        ("技术转让、委托开发", ["transfer", "development"]),
        ("技术许可,技术入股；合作开发", ["license", "equity", "development"]),
        ("转让/许可", ["transfer", "license"]),
        ("面议", []),
    ],
)
def test_modes_read_the_everyday_words(cell, codes):
    assert [mode.code for mode in v.Reference().modes(cell)] == codes


@pytest.mark.django_db
def test_modes_still_refuse_what_is_no_mode_and_name_the_choices():
    with pytest.raises(v.CellError) as error:
        v.Reference().modes("技术转让、白送")
    assert '"白送" is not a cooperation mode' in error.value.message


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("正在研发", 1),
        ("已有样品", 4),
        ("通过小试", 5),
        ("通过中试", 6),
        ("可以量产", 9),
        ("中试阶段", 6),
    ],
)
def test_maturity_reads_the_labels_of_technology_markets(cell, level):
    assert v.maturity(cell) == level


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("新材料-金属材料", "0401"),
        ("新材料—金属材料", "0401"),
        ("新材料 - 金属材料", "0401"),
        ("新材料／金属材料", "0401"),
        ("新材料 > 金属材料", "0401"),
        ("生物与新医药-中药、天然药物", "0202"),
        ("新材料技术", "04"),
        ("新材料领域", "04"),
        ("电子信息技术-软件", "0101"),
        ("通信", "0104"),
    ],
)
def test_field_reads_paths_and_older_names(cell, code):
    assert v.Reference().field(cell).code == code


@pytest.mark.django_db
def test_field_path_with_a_sub_field_of_another_field_is_refused():
    with pytest.raises(v.CellError) as error:
        v.Reference().field("新材料-软件")
    assert error.value.message == '"软件" is not a sub-field of "新材料"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "code"),
    [("江苏苏州", "320500"), ("江苏省苏州市吴中区", "320506"), ("苏州吴中", "320506")],
)
def test_region_reads_names_without_their_suffixes(cell, code):
    assert v.Reference().region(cell).code == code


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("10-50万", (D(10), D(50), False)),
        ("10万-50万", (D(10), D(50), False)),
        ("10～50万元", (D(10), D(50), False)),
        ("10至50", (D(10), D(50), False)),
        ("10-50（可面议）", (D(10), D(50), True)),
        ("50-50", (D(50), None, False)),
        ("1.5亿", (D(15000), None, False)),
        ("5000元", (D("0.5"), None, False)),
        ("面议", (None, None, True)),
    ],
)
def test_price_reads_ranges_and_units(cell, expected):
    assert v.price(cell) == expected
    assert v.price(v.format_price(expected)) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("50-10", "the lower bound is above the upper bound"),
        ("50万以上", "is open-ended"),
        ("≤100", "is open-ended"),
        ("1元", "more than two decimal places"),
    ],
)
def test_price_refuses_what_is_no_price_or_range(cell, message):
    with pytest.raises(v.CellError) as error:
        v.price(cell)
    assert message in error.value.message


def test_budget_reads_units_on_both_ends():
    assert v.budget("50万-200万") == (D(50), D(200), False)
    assert v.budget("0.5亿以内") == (None, D(5000), False)


def test_cut_summary_ends_at_a_sentence_within_the_limit():
    text = "第一句话说明技术背景。" * 70  # 770 characters

    cut = v.cut_summary(text, 600)

    assert len(cut) <= 600 and cut.endswith("。")
    assert len(cut) > 550


def test_cut_summary_without_sentences_ends_with_an_ellipsis():
    cut = v.cut_summary("无" * 700, 600)

    assert len(cut) == 600 and cut.endswith("…")


# -- whole files ----------------------------------------------------------------------


@pytest.fixture
def organisations(db):
    catalogue_organisations()


# The rows of the issue: what a public technology market exports, written as its users
# write every day.
REAL_OUTCOMES = [
    {"合作方式": "技术转让", "成熟度": "已有样品", "技术领域": "新材料-金属材料"},
    {"合作方式": "委托开发", "成熟度": "通过小试", "价格（万元）": "10-50万"},
    {"合作方式": "技术入股", "成熟度": "通过中试", "价格（万元）": "面议"},
    {"合作方式": "技术许可", "成熟度": "可以量产", "所在地区": "江苏苏州"},
    {"合作方式": "合作开发", "成熟度": "正在研发", "技术领域": "新材料技术"},
]


@pytest.mark.django_db
def test_import_of_real_catalogue_values_has_no_problem_and_says_what_it_read(
    organisations,
):
    rows = [outcome_row(n, **cells) for n, cells in enumerate(REAL_OUTCOMES, start=1)]

    report = import_listings("outcome", csv_bytes(rows), dry_run=False, by_user_id=None)

    assert report.ok, report.error_lines()
    assert report.created == 5
    notes = "\n".join(report.normalised)
    assert "column 合作方式: 5 values normalised (e.g. 技术转让 → 转让" in notes
    assert "通过中试 → 6（中试）" in notes
    assert "column 技术领域: 2 values normalised" in notes
    assert "新材料-金属材料 → 金属材料" in notes
    assert "column 价格（万元）: 1 value normalised (10-50万 → 10-50)" in notes
    assert "江苏苏州 → 江苏省 苏州市" in notes
    second = Outcome.objects.get(external_id="CG-0002")
    assert (second.price_wan, second.price_max_wan) == (D(10), D(50))
    assert second.maturity == 5
    assert [m.code for m in second.modes.all()] == ["development"]
    assert Outcome.objects.get(external_id="CG-0005").field == TechField.objects.get(
        code="04"
    )


@pytest.mark.django_db
def test_import_of_exported_values_reports_nothing_normalised(organisations):
    rows = [outcome_row(1, **{"价格（万元）": "10-50"})]

    report = import_listings("outcome", csv_bytes(rows), dry_run=True, by_user_id=None)

    assert report.ok and report.normalised == []


@pytest.mark.django_db
def test_long_summary_is_cut_with_a_warning_and_its_full_text_kept(organisations):
    long = "本成果面向高端装备制造的关键需求。" * 45  # 765 characters
    rows = [outcome_row(1, 摘要=long), outcome_row(2)]

    report = import_listings("outcome", csv_bytes(rows), dry_run=False, by_user_id=None)
    again = import_listings("outcome", csv_bytes(rows), dry_run=False, by_user_id=None)

    assert report.ok and report.issues == []
    [note] = report.normalised
    assert "column 摘要: 1 summary was longer than 600 characters" in note
    assert "成果详情 (line 2)" in note
    outcome = Outcome.objects.get(external_id="CG-0001")
    assert len(outcome.summary) <= 600 and outcome.summary.endswith("。")
    # Nothing is lost: the whole text opens the detailed description, before the rest.
    assert outcome.description.startswith(f"<p>{long}</p><p>采用稀土微合金化")
    assert (again.updated, again.unchanged) == (0, 2)  # the same file changes nothing


@pytest.mark.django_db
def test_long_summary_of_a_demand_is_kept_in_its_problem(organisations):
    long = "企业现有产线存在能耗高、良率低的问题。" * 40
    report = import_listings(
        "demand",
        csv_bytes([demand_row(1, 摘要=long)]),
        dry_run=False,
        by_user_id=None,
    )

    assert report.ok
    demand = Demand.objects.get()
    assert demand.problem.startswith(f"<p>{long}</p>")
    [note] = [line for line in report.normalised if "full text" in line]
    assert "its full text starts 需求描述 (line 2)" in note


@pytest.mark.django_db
def test_demand_with_open_ended_deadline_imports_as_draft_without_one(organisations):
    report = import_listings(
        "demand",
        csv_bytes([demand_row(1, 截止日期="长期有效", 合作方式="委托开发")]),
        dry_run=False,
        by_user_id=None,
    )

    assert report.ok
    demand = Demand.objects.get()
    assert demand.deadline is None
    assert list(demand.modes.all()) == [CooperationMode.objects.get(code="development")]
    assert any("长期有效 → (empty)" in line for line in report.normalised)
