"""The statistics pages and downloads: who reads what, downloads equal to the page's
figures, malformed parameters answered with 400, never 5xx."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports import selectors
from reports.figures import FIGURES
from reports.params import parse_report_query

pytestmark = pytest.mark.django_db

Q1 = {"from": "2026-01", "to": "2026-03"}
DASHBOARD = reverse("reports:dashboard")
PUBLIC = reverse("reports:public")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def data(name: str, fmt: str) -> str:
    return reverse("reports:data", args=[name, fmt])


@pytest.mark.parametrize("role", ["manager", "moderator", "administrator"])
def test_dashboard_for_managers_moderators_and_administrators(
    client, cast, market, role
):
    client.force_login(cast[role])
    response = client.get(DASHBOARD, Q1)
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-cache" in response["Cache-Control"]
    )
    for name, spec in FIGURES.items():
        shown = f'id="figure-{name}"' in response.content.decode()
        assert shown == spec.dashboard, name


@pytest.mark.parametrize("role", ["agent", "researcher", "enterprise"])
def test_dashboard_and_private_figures_refused_to_others(client, cast, role):
    client.force_login(cast[role])
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(data("funnel", "json")).status_code == 403
    assert client.get(data("proposal_acceptance", "csv")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(data("funnel", "json"))
    assert response.status_code == 302


def test_superuser_reads_the_dashboard(client, django_user_model, db):
    admin = django_user_model.objects.create_superuser(
        "root@example.cn", "root@example.cn", "x-long-password-2026"
    )
    client.force_login(admin)
    assert client.get(DASHBOARD).status_code == 200


def test_nav_links_for_managers_and_footer_link_for_everyone(client, cast):
    client.force_login(cast["manager"])
    page = client.get(PUBLIC).content.decode()
    assert DASHBOARD in page
    client.force_login(cast["researcher"])
    page = client.get(PUBLIC).content.decode()
    assert DASHBOARD not in page
    client.logout()
    assert PUBLIC in client.get(reverse("contact")).content.decode()


def test_public_page_shows_public_figures_only(client, market):
    response = client.get(PUBLIC, Q1)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="figure-listings_by_month"' in page
    assert 'id="figure-funnel"' not in page
    assert 'id="figure-proposal_acceptance"' not in page
    # No institution picker and no organisation named.
    assert 'name="institution"' not in page
    assert market["university"].name not in page
    assert client.get(data("listings_by_field", "json"), Q1).status_code == 200


def test_public_page_refuses_an_institution_cut(client, market):
    params = {**Q1, "institution": market["university"].pk}
    assert client.get(PUBLIC, params).status_code == 400
    response = client.get(data("listings_by_month", "json"), params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_manager_may_cut_public_figures_by_institution(client, cast, market):
    client.force_login(cast["manager"])
    params = {**Q1, "institution": market["university"].pk}
    response = client.get(data("listings_by_month", "json"), params)
    assert response.status_code == 200
    assert sum(row["outcomes"] for row in response.json()["rows"]) == 2


def _page_table(html: str, name: str) -> list[list[str]]:
    """The cells of a figure's table on the page, as text."""
    import re

    section = html.split(f'id="figure-{name}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def _xlsx(value):
    """A cell as the workbook holds it: amounts as numbers, formulas guarded."""
    if hasattr(value, "as_tuple"):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def _shown(value) -> str:
    return "–" if value is None else str(value)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_csv_xlsx_and_json_equal_the_page(client, cast, deals, settings, name):
    settings.TECHMATCH_ZONE_REGION_CODES = ["320500"]
    client.force_login(cast["manager"])
    html = client.get(
        DASHBOARD if FIGURES[name].dashboard else PUBLIC, Q1
    ).content.decode()
    query = parse_report_query(Q1)
    rows = FIGURES[name].selector(query.period, query.cuts)
    keys = [column.key for column in FIGURES[name].columns]
    expected = [[row[key] for key in keys] for row in rows]
    from django.utils.html import escape

    # The page shows every column but the codes (those are for machines).
    shown = [c.key for c in FIGURES[name].columns if c.kind != "code"]
    assert _page_table(html, name) == [
        [escape(_shown(row[key])) for key in shown] for row in rows
    ]

    response = client.get(data(name, "csv"), Q1)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == [str(column.label) for column in FIGURES[name].columns]
    assert lines[1:] == [
        [
            "" if v is None else ("'" + v if str(v).startswith("=") else str(v))
            for v in r
        ]
        for r in expected
    ]

    response = client.get(data(name, "xlsx"), Q1)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == [[_xlsx(v) for v in r] for r in expected]

    body = client.get(data(name, "json"), Q1).json()
    assert body["rows"] == rows
    assert body["period"] == {"from": "2026-01", "to": "2026-03"}


def test_downloads_follow_the_cuts(client, cast, market):
    client.force_login(cast["manager"])
    params = {**Q1, "field": "01"}
    body = client.get(data("listings_by_field", "json"), params).json()
    assert [row["code"] for row in body["rows"]] == ["01"]
    assert body["cuts"] == {"field": "01"}
    assert body["rows"] == selectors.listings_by_field(
        parse_report_query(params).period, parse_report_query(params).cuts
    )


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13"},
        {"from": "x" * 5000},
        {"to": "2026-01", "from": "2026-05"},
        {"preset": "<script>"},
        {"field": "０１"},
        {"region": "abc"},
        {"institution": "1e9"},
        {"institution": "0x10"},
    ],
)
def test_malformed_parameters_answer_400(client, cast, market, params):
    assert client.get(PUBLIC, params).status_code == 400
    assert client.get(data("listings_by_month", "json"), params).status_code == 400
    client.force_login(cast["manager"])
    assert client.get(DASHBOARD, params).status_code == 400
    assert client.get(data("funnel", "csv"), params).status_code == 400


def test_unknown_figure_or_format_is_404(client, cast):
    client.force_login(cast["manager"])
    assert client.get("/statistics/data/nothing.json").status_code == 404
    assert client.get("/statistics/data/funnel.pdf").status_code == 404


def test_presets_answer(client, cast, market):
    client.force_login(cast["manager"])
    for preset in ("12m", "this_year", "last_year", "all"):
        assert client.get(DASHBOARD, {"preset": preset}).status_code == 200
    body = client.get(data("listings_by_month", "json"), {"preset": "all"}).json()
    # "all" starts with the first month anything was posted (December 2025).
    assert body["period"]["from"] == "2025-12"


def test_public_page_speaks_chinese(client, settings, market):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get(PUBLIC, Q1, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "统计" in page


_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "2026-01",
            "2026-1",
            "0000-00",
            "9999-12",
            "2100-12",
            "01",
            "0401",
            "320500",
            "320506",
            "1",
            "0",
            "-1",
            "12m",
            "all",
            "%00",
            "9" * 5000,
        ]
    ),
    st.text(max_size=12),
)
_QUERIES = st.dictionaries(
    st.sampled_from(["preset", "from", "to", "field", "region", "institution", "x"]),
    _VALUES,
    max_size=5,
)


def test_statistics_never_answer_5xx_to_generated_parameters(client, cast, market):
    client.force_login(cast["manager"])
    paths = [
        PUBLIC,
        DASHBOARD,
        data("funnel", "json"),
        data("contracts_by_field", "csv"),
    ]

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(path=st.sampled_from(paths), query=_QUERIES)
    def check(path, query):
        response = client.get(path, query)
        assert response.status_code in (200, 400), (path, query, response.status_code)

    check()


def test_institution_picker_lists_organisations_that_did_something(
    client, cast, market
):
    from tests.factories.market import OrganisationFactory

    idle = OrganisationFactory(name="从未发布的机构")
    client.force_login(cast["manager"])
    page = client.get(DASHBOARD, Q1).content.decode()
    picker = page.split('name="institution"', 1)[1].split("</select>", 1)[0]
    assert f'value="{market["university"].pk}"' in picker
    assert f'value="{idle.pk}"' not in picker


def test_manager_role_reads_statistics_and_deals_but_moderates_nothing(cast):
    manager = cast["manager"]
    assert manager.has_perm("reports.view_dashboard")
    assert manager.has_perm("market.view_deal")
    assert not manager.has_perm("market.moderate_listing")
    assert not manager.has_perm("wagtailadmin.access_admin")
