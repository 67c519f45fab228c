"""Issue 14 in the admin: skip invalid rows with a download of them, operator defaults."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accounts.roles import Role
from market.models import Demand, ImportBatch, Listing
from tests.factories import UserFactory
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    demand_row,
)
from tests.market.test_import_admin import upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.market.test_import_admin")]


@pytest.fixture
def moderator(role_groups):
    catalogue_organisations()
    return UserFactory(roles=[Role.MODERATOR])


def bad_file() -> bytes:
    return csv_bytes([demand_row(1), demand_row(2, 需求名称=""), demand_row(3)])


def test_import_admin_skips_invalid_rows_and_offers_them_for_download(
    client, moderator, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    refused = upload(client, bad_file(), name="demands.csv", kind="demand")
    checked = upload(
        client, bad_file(), name="demands.csv", kind="demand", skip_invalid="on"
    )
    token = checked.context["token"]
    download = reverse("market_imports:rejected", args=[token])
    early = client.get(download)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("market_imports:confirm"), {"token": token})
    done = client.get(confirmed.url)
    rejected = client.get(download)

    assert refused.context["token"] == ""  # all or nothing by default
    assert "跳过有问题的行" in refused.content.decode()  # Skip invalid rows
    assert checked.context["report"].rejected == 1
    assert download in checked.content.decode()
    assert early.status_code == 200  # the dry run's rejected rows already
    assert done.templates[0].name == "market/imports/import_result.html"
    html = done.content.decode()
    assert 'data-count="rejected">1<' in html
    assert download in html
    assert rejected["Content-Type"].startswith("text/csv")
    [row] = csv.DictReader(io.StringIO(rejected.content.decode("utf-8-sig")))
    assert (row["外部编号"], row["原行号"]) == ("XQ-0002", "3")
    assert "需求名称" in row["导入问题"]
    assert sorted(Demand.objects.values_list("external_id", flat=True)) == [
        "XQ-0001",
        "XQ-0003",
    ]
    batch = ImportBatch.objects.get()
    assert (batch.filename, batch.rejected) == ("demands.csv", 1)
    assert f"import_batch={batch.pk}" in html


def test_import_admin_rejected_rows_belong_to_the_importer(client, moderator):
    client.force_login(moderator)
    checked = upload(
        client, bad_file(), name="demands.csv", kind="demand", skip_invalid="on"
    )
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(
        reverse("market_imports:rejected", args=[checked.context["token"]])
    )

    assert response.status_code == 302
    assert response.url == reverse("market_imports:import")


def test_import_admin_takes_operator_defaults(
    client, moderator, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    row = demand_row(1, 所在地区="", 联系人="", 联系电话="", 联系邮箱="", 截止日期="")

    checked = upload(
        client,
        csv_bytes([row]),
        kind="demand",
        status="published",
        default_region="苏州市",
        default_contact_name="苏州科技大市场服务台",
        default_contact_email="desk@market.example.cn",
        validity_days="120",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("market_imports:confirm"), {"token": checked.context["token"]}
        )

    report = checked.context["report"]
    assert report.ok, report.error_lines()
    assert report.defaults_used == {"region": 1, "contact": 1, "deadline": 1}
    assert "data-defaults" in checked.content.decode()
    demand = Demand.objects.get()
    assert demand.operator_provided() == {"region", "contact", "deadline"}
    assert demand.contact_name == "苏州科技大市场服务台"


def test_import_admin_form_refuses_bad_defaults(client, moderator):
    client.force_login(moderator)

    response = upload(
        client,
        csv_bytes([demand_row(1)]),
        kind="demand",
        default_region="火星",
        default_contact_email="not-an-email",
        validity_days="0",
    )

    errors = response.context["form"].errors
    assert set(errors) == {"default_region", "default_contact_email", "validity_days"}
    assert "火星" in errors["default_region"][0]  # “火星”不是已知地区
    assert "report" not in response.context
    assert not Listing.objects.exists()
