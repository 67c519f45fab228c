"""Issue 14: skipping invalid rows, operator defaults, batches — service and command."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.roles import Role
from market.imports.importer import import_listings
from market.models import Demand, ImportBatch, Listing, ListingStatus, Outcome, Region
from market.services.listings import save_listing
from search.models import IndexOutbox, ListingText
from tests.factories import MembershipFactory, UserFactory
from tests.market.fixtures.catalogue import (
    ENTERPRISE,
    catalogue_organisations,
    csv_bytes,
    demand_row,
    outcome_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_organisations(db):
    catalogue_organisations()
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def demands_with_two_bad_rows() -> list[dict[str, str]]:
    return [
        demand_row(1),
        demand_row(2),
        demand_row(3, 需求名称=""),  # the blank row of the issue
        demand_row(4),
        demand_row(5, **{"预算（万元）": "很多"}),
    ]


# -- skipping invalid rows -----------------------------------------------------------


def test_import_with_bad_rows_imports_nothing_by_default():
    report = import_listings(
        "demand",
        csv_bytes(demands_with_two_bad_rows()),
        dry_run=False,
        by_user_id=None,
    )

    assert not report.ok and report.rejected == 2
    assert report.rejected_file == b""
    assert not Listing.objects.exists()


def test_skip_invalid_imports_the_good_rows_and_returns_the_rejected_ones():
    report = import_listings(
        "demand",
        csv_bytes(demands_with_two_bad_rows()),
        dry_run=False,
        by_user_id=None,
        skip_invalid=True,
    )

    assert report.ok and report.imported
    assert (report.created, report.rejected) == (3, 2)
    assert "3 rows imported" in report.summary()
    assert "2 rows were rejected and skipped." in report.summary()
    assert sorted(Demand.objects.values_list("external_id", flat=True)) == [
        "XQ-0001",
        "XQ-0002",
        "XQ-0004",
    ]
    rejected = rows_of(report.rejected_file)
    assert [row["外部编号"] for row in rejected] == ["XQ-0003", "XQ-0005"]
    assert [row["原行号"] for row in rejected] == ["4", "6"]
    assert rejected[0]["导入问题"] == "需求名称: a value is required"
    assert "预算（万元）: " in rejected[1]["导入问题"]
    assert '"很多" is not a budget' in rejected[1]["导入问题"]
    # The other cells are those of the file, to correct in place.
    assert rejected[1]["技术指标"] == "出水镍 ≤ 0.1 mg/L；吨水成本 ≤ 3 元"


def test_rejected_rows_file_corrected_imports_as_it_is():
    report = import_listings(
        "demand",
        csv_bytes(demands_with_two_bad_rows()),
        dry_run=False,
        by_user_id=None,
        skip_invalid=True,
    )
    corrected = rows_of(report.rejected_file)
    corrected[0]["需求名称"] = "寻求工业废水中重金属深度去除技术3"
    corrected[1]["预算（万元）"] = "50-200万"

    again = import_listings(
        "demand", csv_bytes(corrected), dry_run=False, by_user_id=None
    )

    assert again.ok, again.error_lines()
    assert again.created == 2
    assert Demand.objects.count() == 5


def test_rejected_rows_file_keeps_formulas_from_running_in_excel():
    rows = [outcome_row(1, 成果名称="", 技术优势='=HYPERLINK("http://x.example")')]

    report = import_listings(
        "outcome", csv_bytes(rows), dry_run=True, by_user_id=None, skip_invalid=True
    )

    [rejected] = rows_of(report.rejected_file)
    assert rejected["技术优势"] == '\'=HYPERLINK("http://x.example")'


def test_skip_invalid_still_refuses_a_file_whose_header_is_wrong():
    rows = [{k: v for k, v in demand_row(n).items() if k != "外部编号"} for n in (1, 2)]

    report = import_listings(
        "demand", csv_bytes(rows), dry_run=False, by_user_id=None, skip_invalid=True
    )

    assert not report.ok
    assert "Required columns are missing" in report.issues[0].message
    assert not Listing.objects.exists()


def test_skip_invalid_dry_run_counts_what_it_will_skip():
    report = import_listings(
        "demand",
        csv_bytes(demands_with_two_bad_rows()),
        dry_run=True,
        by_user_id=None,
        skip_invalid=True,
    )

    assert report.ok and (report.created, report.rejected) == (3, 2)
    assert "2 rows are rejected and will be skipped." in report.summary()
    assert len(rows_of(report.rejected_file)) == 2
    assert not Listing.objects.exists()


def test_import_command_skip_invalid_writes_the_rejected_rows(tmp_path):
    path = tmp_path / "demands.csv"
    path.write_bytes(csv_bytes(demands_with_two_bad_rows()))
    out = io.StringIO()

    call_command(
        "import_listings", str(path), "--kind", "demand", "--skip-invalid", stdout=out
    )

    target = tmp_path / "demands-rejected.csv"
    assert f"rejected rows (2) written to {target}" in out.getvalue()
    assert [row["原行号"] for row in rows_of(target.read_bytes())] == ["4", "6"]
    assert Demand.objects.count() == 3


def test_import_command_without_skip_invalid_still_exits_1(tmp_path):
    path = tmp_path / "demands.csv"
    path.write_bytes(csv_bytes(demands_with_two_bad_rows()))

    with pytest.raises(CommandError):
        call_command(
            "import_listings", str(path), "--kind", "demand", stdout=io.StringIO()
        )
    assert not Path(tmp_path / "demands-rejected.csv").exists()
    assert not Listing.objects.exists()


# -- operator defaults -----------------------------------------------------------------

DEFAULTS = {
    "region": "江苏省 苏州市",
    "contact_name": "苏州科技大市场服务台",
    "contact_phone": "0512-66666666",
    "contact_email": "desk@market.example.cn",
    "valid_days": 180,
}


def bare_demand(n: int, **cells: str) -> dict[str, str]:
    """A demand row as catalogues hold them: no region, contact or deadline."""
    row = demand_row(n, 所在地区="", 联系人="", 联系电话="", 联系邮箱="", 截止日期="")
    row.update(cells)
    return row


def test_defaults_fill_what_rows_lack_so_they_can_be_published(moderator):
    rows = [bare_demand(1), bare_demand(2, 联系人="王经理")]

    without = import_listings(
        "demand",
        csv_bytes(rows),
        dry_run=True,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
    )
    report = import_listings(
        "demand",
        csv_bytes(rows),
        dry_run=False,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
        defaults=DEFAULTS,
    )

    missing = {issue.column for issue in without.issues}
    assert {"所在地区", "联系人", "截止日期"} <= missing
    assert report.ok, report.error_lines()
    assert report.published == 2
    assert report.defaults_used == {"region": 2, "contact": 1, "deadline": 2}
    first = Demand.objects.get(external_id="XQ-0001")
    assert first.status == ListingStatus.PUBLISHED
    assert first.region == Region.objects.get(code="320500")
    assert (first.contact_name, first.contact_phone, first.contact_email) == (
        "苏州科技大市场服务台",
        "0512-66666666",
        "desk@market.example.cn",
    )
    today = timezone.localdate()
    assert first.deadline == today + dt.timedelta(days=180)
    assert first.valid_until == first.deadline
    assert first.operator_provided() == {"region", "contact", "deadline"}
    # A row with its own contact keeps it; only its empty parts were filled.
    second = Demand.objects.get(external_id="XQ-0002")
    assert (second.contact_name, second.contact_phone) == ("王经理", "")
    assert second.operator_provided() == {"region", "deadline"}
    assert ImportBatch.objects.get().defaults["valid_days"] == 180


def test_defaults_validity_sets_how_long_publications_last(moderator):
    report = import_listings(
        "outcome",
        csv_bytes([outcome_row(1)]),
        dry_run=False,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
        defaults={"valid_days": 90},
    )

    assert report.ok
    outcome = Outcome.objects.get()
    assert outcome.valid_until == timezone.localdate() + dt.timedelta(days=90)
    assert outcome.operator_provided() == set()  # the row had everything


def test_same_file_with_defaults_again_changes_nothing(moderator):
    data = csv_bytes([bare_demand(1)])
    options = {
        "dry_run": False,
        "by_user_id": moderator.pk,
        "default_status": ListingStatus.PUBLISHED,
        "defaults": DEFAULTS,
    }
    import_listings("demand", data, **options)

    again = import_listings("demand", data, **options)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_default_that_the_owner_replaces_is_no_longer_marked(moderator, role_groups):
    import_listings(
        "demand",
        csv_bytes([bare_demand(1)]),
        dry_run=False,
        by_user_id=moderator.pk,
        defaults=DEFAULTS,
    )
    demand = Demand.objects.get()
    owner = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=owner, organisation=demand.organisation)

    demand.contact_name = "赵工"
    save_listing(demand, by_user_id=owner.pk)

    demand.refresh_from_db()
    assert demand.operator_provided() == {"region", "deadline"}


@pytest.mark.parametrize(
    ("defaults", "column", "message"),
    [
        ({"region": "火星"}, "default region", '"火星" is not a known region'),
        (
            {"contact_email": "desk-at-example"},
            "default contact email",
            "is not a valid email address",
        ),
        ({"valid_days": 0}, "validity", "from 1 to"),
        ({"contact_name": "台" * 61}, "default contact person", "longer than 60"),
    ],
)
def test_bad_defaults_are_reported_before_any_row(defaults, column, message):
    report = import_listings(
        "demand",
        csv_bytes([bare_demand(1)]),
        dry_run=False,
        by_user_id=None,
        defaults=defaults,
        skip_invalid=True,
    )

    assert not report.ok
    [issue] = report.issues
    assert (issue.line, issue.column) == (None, column)
    assert message in issue.message
    assert not Listing.objects.exists()


def test_detail_page_says_which_values_the_platform_provided(client, moderator):
    import_listings(
        "demand",
        csv_bytes([bare_demand(1, 保密级别="公开")]),
        dry_run=False,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
        defaults=DEFAULTS,
    )
    demand = Demand.objects.get()
    url = f"/demands/{demand.pk}/"

    anonymous = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(UserFactory(roles=[Role.ENTERPRISE]))
    logged_in = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "（平台默认：原始目录未注明地区）" in anonymous
    assert "（平台默认有效期：原始目录未注明截止日期）" in anonymous
    assert "苏州科技大市场服务台" not in anonymous  # contacts stay hidden from visitors
    assert "联系方式由平台服务台提供" in logged_in
    assert "苏州科技大市场服务台" in logged_in


def test_detail_page_of_a_listing_with_its_own_values_marks_nothing(client, moderator):
    import_listings(
        "demand",
        csv_bytes([demand_row(1)]),
        dry_run=False,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
        defaults=DEFAULTS,
    )

    html = client.get(f"/demands/{Demand.objects.get().pk}/").content.decode()

    assert "operator-provided" not in html


# -- batches ---------------------------------------------------------------------------


def test_import_records_its_batch_and_the_listings_it_touched(moderator):
    first = import_listings(
        "outcome",
        csv_bytes([outcome_row(1), outcome_row(2)]),
        dry_run=False,
        by_user_id=moderator.pk,
        filename="outcomes-2026.csv",
    )
    second = import_listings(
        "outcome",
        csv_bytes([outcome_row(1, 成果名称="改过的名称"), outcome_row(2)]),
        dry_run=False,
        by_user_id=moderator.pk,
    )

    batch = ImportBatch.objects.get(pk=first.batch_id)
    assert (batch.filename, batch.created_by, batch.created) == (
        "outcomes-2026.csv",
        moderator,
        2,
    )
    changed = Outcome.objects.get(external_id="CG-0001")
    unchanged = Outcome.objects.get(external_id="CG-0002")
    assert changed.import_batch_id == second.batch_id
    assert unchanged.import_batch_id == first.batch_id


def publish_import(rows: list, user) -> None:
    report = import_listings(
        "outcome",
        csv_bytes(rows),
        dry_run=False,
        by_user_id=user.pk,
        default_status=ListingStatus.PUBLISHED,
    )
    assert report.ok, report.error_lines()


def test_import_costs_the_same_queries_for_few_and_many_rows(moderator):
    publish_import([outcome_row(900)], moderator)  # loads what processes keep
    with CaptureQueriesContext(connection) as few:
        publish_import([outcome_row(n) for n in range(1, 4)], moderator)
    with CaptureQueriesContext(connection) as many:
        publish_import([outcome_row(n) for n in range(100, 130)], moderator)

    # Batches, not a query (or several) per row: ten times the rows, same queries.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_import_that_publishes_indexes_in_one_task_with_its_text(
    moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        publish_import([outcome_row(n) for n in range(1, 21)], moderator)

    ids = set(Outcome.objects.values_list("pk", flat=True))
    assert set(IndexOutbox.objects.values_list("listing_id", flat=True)) == ids
    assert set(ListingText.objects.values_list("listing_id", flat=True)) == ids
    assert all(text.title_words for text in ListingText.objects.all())
    scheduled = [
        c for c in callbacks if "record_changes" in getattr(c, "__qualname__", "")
    ]
    assert len(scheduled) == 1


def test_import_that_publishes_tells_each_author_once(moderator):
    from accounts.models import Notification

    member = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(
        user=member,
        organisation=Listing._meta.get_field("organisation").related_model.objects.get(
            name=ENTERPRISE
        ),
    )

    report = import_listings(
        "demand",
        csv_bytes([demand_row(n) for n in range(1, 6)]),
        dry_run=False,
        by_user_id=moderator.pk,
        default_status=ListingStatus.PUBLISHED,
    )

    assert report.ok
    [notification] = Notification.objects.filter(recipient=member)
    assert "5" in notification.subject
    assert "寻求工业废水中重金属深度去除技术1" in notification.body
    assert not Notification.objects.filter(recipient=moderator).exists()
