"""import_listings: dry run, every bad row reported, all-or-nothing, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.roles import Role
from market.imports.importer import import_listings
from market.imports.parsing import MAX_FILE_SIZE, MAX_ROWS
from market.models import (
    Demand,
    IPRightKind,
    Listing,
    ListingStatus,
    Organisation,
    OrganisationKind,
    Outcome,
)
from market.signals import listings_changed, listings_status_changed
from tests.factories import OutcomeFactory, UserFactory
from tests.market.fixtures.catalogue import (
    UNIVERSITY,
    catalogue_organisations,
    csv_bytes,
    demand_row,
    outcome_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_organisations(db):
    catalogue_organisations()
    with translation.override("en"):
        yield


def run(kind, data, *, dry_run=False, user=None, **options):
    return import_listings(
        kind, data, dry_run=dry_run, by_user_id=user.pk if user else None, **options
    )


def problems(report) -> list[tuple[int | None, str]]:
    return [(issue.line, issue.column) for issue in report.issues]


def test_import_listings_dry_run_reports_every_bad_row_and_writes_nothing():
    rows = [
        outcome_row(1),
        outcome_row(2, **{"价格（万元）": "三百"}),
        outcome_row(3, 技术领域="纳米魔法"),
        outcome_row(4, 成果名称=""),
        outcome_row(5, 成熟度="很成熟", 联系邮箱="not-an-email"),
        outcome_row(6),
    ]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    assert problems(report) == [
        (3, "价格（万元）"),
        (4, "技术领域"),
        (5, "成果名称"),
        (6, "成熟度"),
    ]
    assert (
        report.error_lines()[0] == 'line 3, column 价格（万元）: "三百" is not a number'
    )
    assert '"纳米魔法" is not a technology field' in report.issues[1].message
    assert report.issues[2].message == "a value is required"
    assert not Listing.objects.exists()


def test_import_listings_checks_model_limits_of_valid_looking_rows():
    rows = [outcome_row(1, 联系邮箱="not-an-email", 成果名称="长" * 121)]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    assert sorted(problems(report)) == [(2, "成果名称"), (2, "联系邮箱")]


def test_import_listings_missing_required_headers_are_reported_once_before_rows():
    rows = [
        {k: v for k, v in outcome_row(n).items() if k not in ("外部编号", "所属机构")}
        for n in range(3)
    ]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    assert len(report.issues) == 1
    issue = report.issues[0]
    assert issue.line is None
    assert "外部编号 (external_id)" in issue.message
    assert "所属机构 (organisation)" in issue.message


def test_import_listings_unknown_column_lists_the_accepted_names():
    rows = [outcome_row(1, 颜色="红色")]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    assert len(report.issues) == 1
    message = report.issues[0].message
    assert '"颜色"' in message
    assert "价格（万元） (price)" in message
    assert "成果名称 (title)" in message


def test_import_listings_of_demand_columns_as_outcomes_points_at_the_kind():
    report = run("outcome", csv_bytes([demand_row(1)]), dry_run=True)

    assert "columns of demands" in report.issues[-1].message


def test_import_listings_accepts_english_keys_and_loose_headers():
    row = outcome_row(1)
    english = {
        "external_id": row["外部编号"],
        "Title": row["成果名称"],
        "summary": row["摘要"],
        "organisation": row["所属机构"],
        "价格(万元)*": row["价格（万元）"],
        "序号": "1",
    }

    report = run("outcome", csv_bytes([english]))

    assert report.ok, report.error_lines()
    outcome = Outcome.objects.get()
    assert outcome.price_wan == Decimal("300")


def test_import_listings_unknown_references_are_row_errors_with_suggestions():
    rows = [
        outcome_row(1, 技术领域="金属材"),
        outcome_row(2, 所在地区="江苏省 苏州市 吴终区"),
        outcome_row(3, 所属机构="江南理工大"),
        outcome_row(4, 合作方式="许可、白送"),
        outcome_row(5, 所在地区="999999"),
    ]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    messages = {issue.line: issue.message for issue in report.issues}
    assert '"金属材料"' in messages[2]
    assert '"江苏省 苏州市 吴中区"' in messages[3]
    assert f'"{UNIVERSITY}"' in messages[4]
    assert '"白送" is not a cooperation mode' in messages[5]
    assert "转让" in messages[5]
    assert '"999999" is not a GB/T 2260 region code' in messages[6]


def test_import_listings_bad_numbers_dates_and_budgets():
    rows = [
        demand_row(1, 截止日期="2026-02-30"),
        demand_row(2, 截止日期="明年春天"),
        demand_row(3, **{"预算（万元）": "200-50"}),
        demand_row(4, **{"预算（万元）": "很多"}),
        demand_row(5, 期望成熟度="10"),
        demand_row(6, **{"预算（万元）": "-5"}),
    ]

    report = run("demand", csv_bytes(rows), dry_run=True)

    assert problems(report) == [
        (2, "截止日期"),
        (3, "截止日期"),
        (4, "预算（万元）"),
        (5, "预算（万元）"),
        (6, "期望成熟度"),
        (7, "预算（万元）"),
    ]
    assert "lower bound is above the upper bound" in report.issues[2].message


def test_import_listings_duplicate_external_id_names_the_first_line():
    rows = [outcome_row(1), outcome_row(2), outcome_row(1, 成果名称="重复的一行")]

    report = run("outcome", csv_bytes(rows), dry_run=True)

    assert report.error_lines() == [
        'line 4, column 外部编号: "CG-0001" already appears on line 2'
    ]


def test_import_listings_good_csv_with_bom_creates_complete_drafts():
    user = UserFactory(roles=[Role.MODERATOR])
    data = csv_bytes([outcome_row(1), outcome_row(2, **{"价格（万元）": "面议"})])

    report = run("outcome", data, user=user)

    assert report.ok, report.error_lines()
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.encoding == "utf-8-sig"
    outcome = Outcome.objects.get(external_id="CG-0001")
    assert outcome.status == ListingStatus.DRAFT
    assert outcome.created_by == user
    assert outcome.organisation.name == UNIVERSITY
    assert (outcome.field.code, outcome.region.code) == ("0401", "320506")
    assert outcome.keywords == ["铝合金", "一体化压铸", "轻量化"]
    assert sorted(m.code for m in outcome.modes.all()) == ["license", "transfer"]
    assert outcome.maturity == 6  # 中试
    assert outcome.price_wan == Decimal("300") and not outcome.price_negotiable
    assert outcome.description == (
        "<p>采用稀土微合金化与热处理协同调控。</p>"
        "<p>屈服强度达到 320 MPa &amp; 延伸率 10%。</p>"
    )
    assert [(r.kind, r.number) for r in outcome.ip_rights.all()] == [
        (IPRightKind.INVENTION, "ZL201910123456.7"),
        (IPRightKind.SOFTWARE, "2021SR0123456"),
    ]
    assert outcome.revisions.count() == 1
    negotiable = Outcome.objects.get(external_id="CG-0002")
    assert negotiable.price_wan is None and negotiable.price_negotiable


def test_import_listings_reads_gb18030_csv_from_chinese_excel():
    data = csv_bytes([outcome_row(1, 成果名称="𠀀鑫淼技术")], encoding="gb18030")

    report = run("outcome", data)

    assert report.ok, report.error_lines()
    assert report.encoding == "gb18030"
    assert Outcome.objects.get().title == "𠀀鑫淼技术"


def test_import_listings_reads_xlsx_with_number_and_date_cells():
    rows = [
        demand_row(
            1,
            外部编号=1001,
            期望成熟度=6,
            截止日期=dt.datetime(2099, 7, 1),
            **{"预算（万元）": 100},
        ),
        demand_row(2, 截止日期="2099年8月1日", **{"预算（万元）": "≤80"}),
    ]

    report = run("demand", xlsx_bytes(rows))

    assert report.ok, report.error_lines()
    first = Demand.objects.get(external_id="1001")
    assert first.expected_maturity == 6
    assert first.deadline == dt.date(2099, 7, 1)
    assert (first.budget_min_wan, first.budget_max_wan) == (100, 100)
    assert first.objectives == ["出水镍 ≤ 0.1 mg/L", "吨水成本 ≤ 3 元"]
    assert first.region.code == "320506"
    second = Demand.objects.get(external_id="XQ-0002")
    assert second.deadline == dt.date(2099, 8, 1)
    assert (second.budget_min_wan, second.budget_max_wan) == (None, 80)


def test_import_listings_again_is_idempotent_and_counts_changes():
    rows = [outcome_row(n) for n in range(1, 4)]
    run("outcome", csv_bytes(rows))
    first = Outcome.objects.get(external_id="CG-0001")

    again = run("outcome", csv_bytes(rows))
    rows[0]["成果名称"] = "改名后的铝合金技术"
    changed = run("outcome", csv_bytes(rows))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert Outcome.objects.count() == 3
    first.refresh_from_db()
    assert first.title == "改名后的铝合金技术"
    assert first.revisions.count() == 2  # created, then updated; unchanged adds none


def test_import_listings_with_one_bad_row_imports_nothing():
    rows = [outcome_row(1), outcome_row(2), outcome_row(3, 成熟度="很成熟")]

    report = run("outcome", csv_bytes(rows), create_organisations=True)

    assert problems(report) == [(4, "成熟度")]
    assert report.created == 0
    assert not Listing.objects.exists()


def test_import_listings_publishes_through_the_life_cycle():
    from wagtail.models import ModelLogEntry

    moderator = UserFactory(roles=[Role.MODERATOR])
    seen = []

    def receiver(sender, **kwargs):
        seen.append(
            (sorted(kwargs["listing_ids"]), kwargs["new_status"], kwargs["by_user_id"])
        )

    listings_status_changed.connect(receiver)
    try:
        report = run(
            "outcome",
            csv_bytes([outcome_row(1), outcome_row(2)]),
            user=moderator,
            default_status=ListingStatus.PUBLISHED,
        )
    finally:
        listings_status_changed.disconnect(receiver)

    assert report.ok, report.error_lines()
    assert report.published == 2
    outcome = Outcome.objects.get(external_id="CG-0001")
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.reviewed_by == moderator
    assert outcome.published_at is not None and outcome.valid_until is not None
    ids = sorted(Outcome.objects.values_list("pk", flat=True))
    # One announcement for the batch, not one per row and step.
    assert seen == [(ids, ListingStatus.PUBLISHED, moderator.pk)]
    # History and revisions as a moderator's approval leaves them.
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(outcome.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["market.submit_listing", "market.publish_listing"]
    assert outcome.revisions.count() == 2  # submitted, published
    assert outcome.latest_revision.content["status"] == ListingStatus.PUBLISHED


def test_import_listings_to_publish_needs_rows_complete_for_review():
    moderator = UserFactory(roles=[Role.MODERATOR])
    rows = [outcome_row(1), outcome_row(2, 合作方式="", 联系人="")]

    report = run(
        "outcome",
        csv_bytes(rows),
        user=moderator,
        default_status=ListingStatus.PUBLISHED,
    )

    assert sorted(problems(report)) == [(3, "合作方式"), (3, "联系人")]
    assert "will be published" in report.issues[0].message
    assert not Listing.objects.exists()


def test_import_listings_past_deadline_is_allowed_for_drafts_only():
    moderator = UserFactory(roles=[Role.MODERATOR])
    data = csv_bytes([demand_row(1, 截止日期="2020/1/31")])

    published = run(
        "demand", data, user=moderator, default_status=ListingStatus.PUBLISHED
    )
    draft = run("demand", data, user=moderator)

    assert problems(published) == [(2, "截止日期")]
    assert draft.ok, draft.error_lines()
    assert Demand.objects.get().deadline == dt.date(2020, 1, 31)


def test_import_listings_creates_unknown_organisations_only_when_asked():
    rows = [
        outcome_row(1, 所属机构="东海海洋大学"),
        outcome_row(2, 所属机构="东海海洋大学"),
    ]

    refused = run("outcome", csv_bytes(rows), dry_run=True)
    planned = run("outcome", csv_bytes(rows), dry_run=True, create_organisations=True)
    done = run("outcome", csv_bytes(rows), create_organisations=True)

    assert problems(refused) == [(2, "所属机构"), (3, "所属机构")]
    assert planned.ok and planned.new_organisations == ["东海海洋大学"]
    assert done.ok
    organisation = Organisation.objects.get(name="东海海洋大学")
    assert not organisation.is_verified
    assert organisation.kind == OrganisationKind.UNIVERSITY
    assert organisation.listings.count() == 2


def test_import_listings_update_of_a_published_listing_keeps_it_public():
    outcome = OutcomeFactory(published=True, external_id="CG-0001")
    revisions = outcome.revisions.count()
    changed = []

    def receiver(sender, **kwargs):
        changed.extend(kwargs["listing_ids"])

    listings_changed.connect(receiver)
    try:
        report = run("outcome", csv_bytes([outcome_row(1, 成果名称="修订后的标题")]))
    finally:
        listings_changed.disconnect(receiver)

    assert report.ok and report.updated == 1
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.title == "修订后的标题"
    assert outcome.revisions.count() == revisions + 1
    assert changed == [outcome.pk]


def test_import_listings_html_is_never_stored_unsafe():
    rows = [outcome_row(1, 成果详情='<p>正文</p><script>alert("x")</script>')]

    run("outcome", csv_bytes(rows))

    description = Outcome.objects.get().description
    assert "<script>" not in description
    assert "正文" in description


def test_import_listings_refuses_too_many_rows_and_too_large_files():
    many = run("outcome", [outcome_row(n) for n in range(MAX_ROWS + 1)], dry_run=True)
    large = run("outcome", b"a" * (MAX_FILE_SIZE + 1), dry_run=True)

    assert problems(many) == [(None, "")]
    assert str(MAX_ROWS) in many.issues[0].message
    assert f"{MAX_FILE_SIZE // (1024 * 1024)} MB" in large.issues[0].message


def test_import_listings_ignores_empty_rows_but_keeps_line_numbers():
    rows = [outcome_row(1), {}, outcome_row(2, **{"价格（万元）": "x"}), {}, {}]

    report = run("outcome", csv_bytes(rows, headers=list(outcome_row(1))), dry_run=True)

    assert report.rows == 2
    assert problems(report) == [(4, "价格（万元）")]


def test_import_listings_finds_portal_listings_by_their_exported_number():
    portal = OutcomeFactory(organisation__name="华东新材料研究院")  # no external ID
    catalogued = OutcomeFactory(external_id="CG-0009")
    rows = [
        outcome_row(1, 外部编号=f"TechMatch:{portal.pk}", 成果名称="门户里的成果"),
        outcome_row(2, 外部编号="techmatch:999999"),
        outcome_row(3, 外部编号="CG-0009"),
        outcome_row(4, 外部编号=f"techmatch:{catalogued.pk}"),
    ]

    report = run("outcome", csv_bytes(rows), dry_run=True)
    fixed = run("outcome", csv_bytes([rows[0]]))

    assert problems(report) == [(3, "外部编号"), (5, "外部编号")]
    assert "cannot create listings" in report.issues[0].message
    assert report.issues[1].message == "names the same listing as line 4"
    assert (fixed.created, fixed.updated) == (0, 1)
    portal.refresh_from_db()
    assert portal.title == "门户里的成果"
    assert portal.external_id is None
