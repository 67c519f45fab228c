"""manage.py import_listings: the report on stdout, exit code 1 when any row is bad."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.roles import Role
from market.models import Listing, ListingStatus, Outcome
from tests.factories import UserFactory
from tests.market.fixtures.catalogue import (
    FIXTURES,
    catalogue_organisations,
    csv_bytes,
    outcome_row,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(FIXTURES) / "outcomes-sample.csv"


@pytest.fixture(autouse=True)
def _english_and_organisations(db):
    catalogue_organisations()
    with translation.override("en"):
        yield


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_listings", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_listings_command_imports_the_sample_file():
    output = command(str(SAMPLE), "--kind", "outcome")

    assert "2 rows imported: 2 created, 0 updated, 0 unchanged." in output
    second = Outcome.objects.get(external_id="CG-0002")
    assert second.maturity == 4 and second.price_negotiable
    assert second.field.code == "0402"


def test_import_listings_command_dry_run_writes_nothing():
    output = command(str(SAMPLE), "--kind", "outcome", "--dry-run")

    assert "2 rows checked: 2 to create" in output
    assert not Listing.objects.exists()


def test_import_listings_command_prints_one_line_per_bad_row_and_exits_1(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                outcome_row(1),
                outcome_row(2, **{"价格（万元）": "三百"}),
                outcome_row(3, 所属机构="不存在的机构"),
            ]
        )
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_listings", str(path), "--kind", "outcome", stdout=out)

    assert raised.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0] == 'line 3, column 价格（万元）: "三百" is not a number'
    assert lines[1].startswith('line 4, column 所属机构: "不存在的机构" is not a known')
    assert not Listing.objects.exists()


def test_import_listings_command_publishes_as_the_given_user():
    moderator = UserFactory(roles=[Role.MODERATOR], email="mod@example.cn")

    output = command(
        str(SAMPLE), "--kind", "outcome", "--publish", "--user", "MOD@example.cn"
    )

    assert "published: 2" in output
    assert set(Outcome.objects.values_list("status", flat=True)) == {
        ListingStatus.PUBLISHED
    }
    assert Outcome.objects.filter(reviewed_by=moderator).count() == 2


def test_import_listings_command_publish_needs_a_user():
    with pytest.raises(CommandError, match="--user"):
        command(str(SAMPLE), "--kind", "outcome", "--publish")
    with pytest.raises(CommandError, match="No user"):
        command(str(SAMPLE), "--kind", "outcome", "--user", "nobody@example.cn")
    assert not Listing.objects.exists()


def test_import_listings_command_creates_organisations_when_asked(tmp_path):
    path = tmp_path / "new-org.csv"
    path.write_bytes(csv_bytes([outcome_row(1, 所属机构="东海海洋研究所")]))

    output = command(str(path), "--kind", "outcome", "--create-organisations")

    assert "organisation created (unverified): 东海海洋研究所" in output
    assert Outcome.objects.get().organisation.name == "东海海洋研究所"
