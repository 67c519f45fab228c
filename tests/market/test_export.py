"""export_listings: CSV with BOM and XLSX in the import's columns; round trips change nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from market.imports.exporter import export_listings, filtered_listings
from market.imports.importer import import_listings
from market.models import (
    Confidentiality,
    Demand,
    IPRight,
    IPRightKind,
    IPRightStatus,
    ListingStatus,
    Outcome,
    Region,
    TechField,
)
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory
from tests.market.fixtures.catalogue import xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def varied_outcomes() -> list[Outcome]:
    university = OrganisationFactory(name="江南理工大学（苏州）研究院")
    full = OutcomeFactory(
        published=True,
        external_id="CG-0001",
        organisation=university,
        price_wan=Decimal("300.50"),
        confidentiality=Confidentiality.ANONYMOUS,
        description="<p>第一段 &amp; 说明</p><p>第二段</p>",
        modes=["transfer", "license"],
    )
    IPRight.objects.create(
        outcome=full, kind=IPRightKind.INVENTION, number="ZL201910123456.7"
    )
    IPRight.objects.create(
        outcome=full,
        kind=IPRightKind.UTILITY,
        number="202320123456.X",
        legal_status=IPRightStatus.FILED,
        title="一种压铸模具",
        sort_order=1,
    )
    IPRight.objects.create(
        outcome=full,
        kind=IPRightKind.SECRET,
        legal_status=IPRightStatus.NOT_APPLICABLE,
        sort_order=2,
    )
    negotiable = OutcomeFactory(
        external_id="CG-0002",
        price_wan=None,
        price_negotiable=True,
        region=Region.objects.get(code="110100"),  # 北京市 (city) under 北京市
        field=TechField.objects.get(code="04"),
        description="<p><strong>粗体</strong>与<em>斜体</em></p><ul><li>要点</li></ul>",
        keywords=[],
    )
    both = OutcomeFactory(
        title='=HYPERLINK("http://evil.example")',
        price_negotiable=True,
        region=Region.objects.get(code="110000"),
        contact_phone="+86 512 1234 5678",
        maturity=None,
    )  # made in the portal: no external ID
    return [full, negotiable, both]


def varied_demands() -> list[Demand]:
    return [
        DemandFactory(external_id="XQ-1"),
        DemandFactory(external_id="XQ-2", budget_min_wan=None, budget_max_wan=100),
        DemandFactory(external_id="XQ-3", budget_min_wan=50, budget_max_wan=None),
        DemandFactory(
            external_id="XQ-4",
            budget_min_wan=80,
            budget_max_wan=80,
            budget_negotiable=True,
            region=None,
            field=None,
        ),
        DemandFactory(
            budget_min_wan=None,
            budget_max_wan=None,
            budget_negotiable=True,
            deadline=dt.date(2020, 1, 1),
            objectives=[],
            expected_maturity=None,
        ),
    ]


def test_export_listings_csv_has_a_bom_and_chinese_headers():
    varied_outcomes()

    data = export_listings(Outcome.objects.order_by("pk"), "csv")

    assert data.startswith(b"\xef\xbb\xbf")
    header, first, second, third = csv_rows(data)
    assert header[:6] == [
        "外部编号",
        "成果名称",
        "摘要",
        "技术领域",
        "所在地区",
        "所属机构",
    ]
    cells = dict(zip(header, first, strict=True))
    assert cells["技术领域"] == "金属材料"
    assert cells["所在地区"] == "江苏省 苏州市 吴中区"
    assert cells["合作方式"] == "转让、许可"
    assert cells["保密级别"] == "匿名"
    assert cells["价格（万元）"] == "300.5"
    assert cells["成熟度"] == "6"
    assert cells["成果详情"] == "第一段 & 说明\n第二段"
    assert cells["知识产权"] == (
        "发明专利:ZL201910123456.7; 实用新型专利:202320123456.X(已申请); 技术秘密:"
    )
    assert dict(zip(header, second, strict=True))["所在地区"] == "北京市 北京市"
    third_cells = dict(zip(header, third, strict=True))
    assert (
        third_cells["外部编号"]
        == f"techmatch:{Outcome.objects.order_by('pk').last().pk}"
    )
    assert third_cells["价格（万元）"] == "300（可面议）"


def test_export_listings_guards_cells_that_spreadsheets_would_run():
    outcome = varied_outcomes()[2]

    csv_data = export_listings(Outcome.objects.filter(pk=outcome.pk), "csv")
    xlsx_data = export_listings(Outcome.objects.filter(pk=outcome.pk), "xlsx")

    row = dict(zip(*csv_rows(csv_data), strict=True))
    assert row["成果名称"] == '\'=HYPERLINK("http://evil.example")'
    assert row["联系电话"] == "'+86 512 1234 5678"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_data)).worksheets[0]
    assert sheet["B2"].data_type == "s"
    # Guarded as in CSV, so the text stays text once edited or saved as CSV in Excel.
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_export_listings_then_import_changes_nothing(format):
    outcomes = varied_outcomes()
    demands = varied_demands()
    before = {
        listing.pk: (listing.revisions.count(), listing.updated_at)
        for listing in [*outcomes, *demands]
    }

    outcome_report = import_listings(
        "outcome",
        export_listings(Outcome.objects.all(), format),
        dry_run=False,
        by_user_id=None,
    )
    demand_report = import_listings(
        "demand",
        export_listings(Demand.objects.all(), format),
        dry_run=False,
        by_user_id=None,
    )

    assert outcome_report.ok, outcome_report.error_lines()
    assert demand_report.ok, demand_report.error_lines()
    assert (outcome_report.created, outcome_report.updated) == (0, 0)
    assert outcome_report.unchanged == 3
    assert (demand_report.created, demand_report.updated) == (0, 0)
    assert demand_report.unchanged == 5
    for listing in [*outcomes, *demands]:
        listing.refresh_from_db()
        assert (listing.revisions.count(), listing.updated_at) == before[listing.pk]
    assert IPRight.objects.get(number="202320123456.X").title == "一种压铸模具"


def test_export_listings_edited_and_imported_updates_only_the_edited_row():
    outcomes = varied_outcomes()
    header, *rows = csv_rows(export_listings(Outcome.objects.order_by("pk"), "csv"))
    rows[1][header.index("价格（万元）")] = "120"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])

    report = import_listings(
        "outcome", buffer.getvalue().encode("utf-8-sig"), dry_run=False, by_user_id=None
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    outcomes[1].refresh_from_db()
    assert outcomes[1].price_wan == Decimal("120")
    assert not outcomes[1].price_negotiable


def test_export_listings_xlsx_types_numbers_and_dates():
    DemandFactory(external_id="XQ-1", deadline=dt.date(2099, 6, 30))

    rows = xlsx_rows(export_listings(Demand.objects.all(), "xlsx"))

    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["截止日期"] == dt.datetime(2099, 6, 30)
    assert cells["期望成熟度"] == 6
    assert cells["预算（万元）"] == "50-200"
    assert cells["技术指标"] == "出水镍 ≤ 0.1 mg/L\n吨水成本 ≤ 3 元"


def test_export_listings_refuses_a_mixed_queryset():
    from market.models import Listing

    with pytest.raises(ValueError, match="one kind at a time"):
        export_listings(Listing.objects.all(), "csv")


def test_filtered_listings_by_status_field_and_organisation():
    organisation = OrganisationFactory()
    wanted = OutcomeFactory(published=True, organisation=organisation)
    OutcomeFactory(organisation=organisation)  # draft
    OutcomeFactory(published=True)  # other organisation
    OutcomeFactory(
        published=True,
        organisation=organisation,
        field=TechField.objects.get(code="0101"),
    )

    found = filtered_listings(
        "outcome",
        status=ListingStatus.PUBLISHED,
        field=TechField.objects.get(code="04"),  # top level: includes 0401
        organisation=organisation,
    )

    assert list(found) == [wanted]


def test_export_listings_command_writes_the_filtered_file(tmp_path):
    OutcomeFactory(published=True, title="已发布的成果")
    OutcomeFactory(title="草稿成果")
    output = tmp_path / "outcomes.xlsx"

    call_command(
        "export_listings",
        "--kind",
        "outcome",
        "--status",
        "published",
        "--field",
        "新材料",
        "--format",
        "xlsx",
        "-o",
        str(output),
        stdout=io.StringIO(),
    )

    rows = xlsx_rows(output.read_bytes())
    assert [row[1] for row in rows[1:]] == ["已发布的成果"]
