"""Catalogue files that are hostile or unusual as a whole: formulas, encodings, zip bombs.

Each is refused or read with a clear message, in the service and in the admin's
upload form (as an error of the file field, the other choices kept).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import include, path, reverse
from django.utils import translation
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from accounts.roles import Role
from config.urls import urlpatterns as site_urlpatterns
from market.imports import values as v
from market.imports.admin_views import get_urlpatterns
from market.imports.exporter import export_listings
from market.imports.importer import import_listings
from market.imports.parsing import (
    MAX_XLSX_MEMBERS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNPACKED,
    FileRejected,
    read_table,
)
from market.models import Demand, Listing, Outcome
from tests.factories import DemandFactory, OutcomeFactory, UserFactory
from tests.factories.files import declare_size, zip_archive
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    outcome_row,
    xlsx_bytes,
)

urlpatterns = [
    path(
        "admin/market/listings/",
        include(
            (
                decorate_urlpatterns(get_urlpatterns(), require_admin_access),
                "market_imports",
            )
        ),
    ),
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _english_and_organisations(db, client, settings):
    catalogue_organisations()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(client, role_groups):
    user = UserFactory(roles=[Role.MODERATOR])
    client.force_login(user)
    return user


def upload(client, data: bytes, name: str, **options):
    fields = {"kind": "outcome", "status": "draft", **options}
    fields["file"] = SimpleUploadedFile(name, data)
    return client.post(reverse("market_imports:import"), fields)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rejection(data: bytes) -> str:
    with pytest.raises(FileRejected) as caught:
        read_table(data)
    return str(caught.value.message)


def workbook_bomb(padding: int) -> bytes:
    """A real workbook whose sheet XML carries ``padding`` spaces before its end:
    valid XML that packs about a thousand times smaller than it unpacks."""
    parts = members(xlsx_bytes([outcome_row(1)]))
    parts[SHEET] = parts[SHEET].replace(
        b"</worksheet>", b" " * padding + b"</worksheet>"
    )
    return zip_archive(parts)


# ---------------------------------------------------------------- formulas


def test_export_guards_formulas_in_csv_and_xlsx_and_import_gives_them_back():
    texts = {
        "title": '=HYPERLINK("http://evil.example","点此")',
        "summary": "-40 ℃ 低温下容量保持 90 % 以上的锂电池电解液，" * 2,
        "contact_phone": "+86 512 1234 5678",
        "contact_name": "@张工",
    }
    outcome = OutcomeFactory(external_id="CG-F1", **texts)

    for format in ("csv", "xlsx"):
        data = export_listings(Outcome.objects.filter(pk=outcome.pk), format)
        cells = read_table(data).rows[0][1]
        # What a spreadsheet program shows: the text, behind an apostrophe.
        for text in texts.values():
            assert "'" + text in cells, (format, text)
        report = import_listings("outcome", data, dry_run=False, by_user_id=None)
        assert report.ok, report.error_lines()
        assert (report.unchanged, report.updated) == (1, 0), format
    outcome.refresh_from_db()
    assert {key: getattr(outcome, key) for key in texts} == texts


def test_export_to_xlsx_stores_guarded_texts_as_text_never_as_formulas():
    from openpyxl import load_workbook

    OutcomeFactory(title="=1+1", summary="@SUM(1,2) " * 10)
    sheet = load_workbook(
        io.BytesIO(export_listings(Outcome.objects.all(), "xlsx"))
    ).worksheets[0]

    assert (sheet["B2"].value, sheet["B2"].data_type) == ("'=1+1", "s")
    assert sheet["C2"].value.startswith("'@SUM(1,2)")
    assert b"<f>" not in members(export_listings(Outcome.objects.all(), "xlsx"))[SHEET]


def test_guard_covers_tab_and_carriage_return_and_the_import_takes_it_off():
    for value in ["=1+1", "+86 512", "-", "@SUM(A1)", "\t=1+1", "\r=1+1"]:
        guarded = v.guard_formula(value)
        assert guarded == "'" + value
        assert v.text(guarded) == v.text(value)
    assert v.guard_formula("铝合金 = 轻") == "铝合金 = 轻"
    assert v.text("'quoted'") == "'quoted'"


def test_import_of_a_guarded_demand_export_changes_nothing():
    DemandFactory(external_id="XQ-F1", title="-196 ℃ 深冷处理工艺需求")

    for format in ("csv", "xlsx"):
        report = import_listings(
            "demand",
            export_listings(Demand.objects.all(), format),
            dry_run=False,
            by_user_id=None,
        )
        assert report.ok, report.error_lines()
        assert report.unchanged == 1
    assert Demand.objects.get().title == "-196 ℃ 深冷处理工艺需求"


# ---------------------------------------------------------------- encodings


def test_import_reads_a_gbk_csv_and_says_it_was_not_utf8(
    client, moderator, eager_celery, django_capture_on_commit_callbacks
):
    data = csv_bytes(
        [outcome_row(1, 成果名称="镁合金压铸件表面处理技术")], encoding="gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    checked = upload(client, data, "成果（GBK）.csv")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            reverse("market_imports:confirm"), {"token": checked.context["token"]}
        )
    done = client.get(confirmed.url)

    assert checked.context["report"].encoding == "gb18030"
    notice = "it was read as GB18030 (GBK)"
    assert notice in checked.content.decode()
    assert notice in done.content.decode()
    assert Outcome.objects.get().title == "镁合金压铸件表面处理技术"


def test_import_command_says_it_read_gb18030(tmp_path: Path):
    file = tmp_path / "outcomes.csv"
    file.write_bytes(csv_bytes([outcome_row(1)], encoding="gbk"))
    out = io.StringIO()

    call_command(
        "import_listings", str(file), "--kind", "outcome", "--dry-run", stdout=out
    )

    assert "read as GB18030 (GBK) text" in out.getvalue()


def test_import_of_a_utf8_csv_shows_no_encoding_notice(client, moderator):
    checked = upload(client, csv_bytes([outcome_row(1)]), "outcomes.csv")

    assert checked.context["report"].ok
    assert "GB18030" not in checked.content.decode()


def test_import_form_refuses_text_in_no_known_encoding_naming_the_encodings(
    client, moderator
):
    # 0xFF never occurs in UTF-8 or GB18030 text.
    data = "外部编号,成果名称\nCG-1,铝合金\n".encode("gbk") + b"\xff\xff\n"

    response = upload(client, data, "outcomes.csv", kind="demand", status="published")

    form = response.context["form"]
    assert form.errors["file"] == [
        'The file is neither UTF-8 nor GB18030 text; save it as "CSV UTF-8" or as '
        "an Excel workbook (.xlsx)."
    ]
    assert (form["kind"].value(), form["status"].value()) == ("demand", "published")
    assert "report" not in response.context
    assert not Listing.objects.exists()


# ---------------------------------------------------------------- zip bombs


def test_read_table_refuses_a_workbook_that_unpacks_a_thousand_times_its_size():
    bomb = workbook_bomb(40 * 1024 * 1024)
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 100_000 < 40 * 1024 * 1024 < declared

    message = rejection(bomb)

    assert "zip bomb" in message
    assert f"more than {MAX_XLSX_RATIO} times" in message


def test_read_table_refuses_a_workbook_declaring_more_than_the_unpacked_limit():
    lying = declare_size(xlsx_bytes([outcome_row(1)]), SHEET, MAX_XLSX_UNPACKED + 1)

    message = rejection(lying)

    assert f"more than the {MAX_XLSX_UNPACKED // (1024 * 1024)} MB allowed" in message


def test_read_table_never_unpacks_a_part_beyond_its_declared_size():
    # Declaring less than the part holds passes the limits, but the part is cut at the
    # declared size and fails its checksum: refused, not read in full.
    parts = members(xlsx_bytes([outcome_row(1)]))
    parts[SHEET] = parts[SHEET].replace(
        b"</worksheet>", b" " * (5 * 1024 * 1024) + b"</worksheet>"
    )
    understated = declare_size(zip_archive(parts), SHEET, 1000)

    assert "cannot be read as an Excel workbook" in rejection(understated)


def test_read_table_refuses_too_many_parts_and_archives_inside_the_workbook():
    parts = members(xlsx_bytes([outcome_row(1)]))
    crowded = zip_archive(
        {**parts, **{f"xl/media/p{n}.txt": b"" for n in range(MAX_XLSX_MEMBERS)}}
    )
    nested = zip_archive(
        {**parts, "xl/embeddings/inner.zip": zip_archive({"a.xml": b"<a/>"})}
    )

    assert f"more than {MAX_XLSX_MEMBERS} parts" in rejection(crowded)
    assert "another archive (xl/embeddings/inner.zip)" in rejection(nested)


def test_read_table_still_reads_ordinary_workbooks_large_and_small():
    rows = [
        outcome_row(n, 成果详情="稀土微合金化与热处理协同调控。" * 40)
        for n in range(1, 301)
    ]

    table = read_table(xlsx_bytes(rows))
    exported = read_table(export_listings(Outcome.objects.none(), "xlsx"))

    assert len(table.rows) == 300
    assert table.rows[-1][0] == 301
    assert exported.headers[:2] == ["外部编号", "成果名称"]


def test_import_form_shows_a_zip_bomb_as_an_error_of_the_file(client, moderator):
    response = upload(
        client,
        workbook_bomb(40 * 1024 * 1024),
        "outcomes.xlsx",
        kind="demand",
        create_organisations="on",
    )

    form = response.context["form"]
    assert "zip bomb" in form.errors["file"][0]
    assert form["kind"].value() == "demand"
    assert form["create_organisations"].value() is True
    assert "report" not in response.context
    assert not Listing.objects.exists()
