"""Import and export in the Wagtail admin: upload → dry run → confirm → status → result.

The URL patterns are mounted here the way ``register_admin_urls`` mounts them (behind
Wagtail's admin-access check), so the tests do not depend on the hook's wiring.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from accounts.roles import Role
from config.urls import urlpatterns as site_urlpatterns
from market.imports import jobs
from market.imports.admin_views import get_urlpatterns, menu_items
from market.models import ImportJob, Listing, ListingStatus, Organisation, Outcome
from tests.factories import OutcomeFactory, UserFactory
from tests.market.fixtures.catalogue import (
    UNIVERSITY,
    catalogue_organisations,
    csv_bytes,
    outcome_row,
    xlsx_bytes,
    xlsx_rows,
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


@pytest.fixture
def moderator(role_groups):
    catalogue_organisations()
    return UserFactory(roles=[Role.MODERATOR])


def upload(client, data: bytes, name: str = "outcomes.csv", **options):
    fields = {"kind": "outcome", "status": "draft", **options}
    fields["file"] = SimpleUploadedFile(name, data)
    return client.post(reverse("market_imports:import"), fields)


def test_import_admin_moderator_checks_confirms_and_sees_the_result(
    client, moderator, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    form = client.get(reverse("market_imports:import"))
    data = csv_bytes([outcome_row(1), outcome_row(2)])

    checked = upload(client, data)

    assert form.status_code == 200
    assert checked.status_code == 200
    report = checked.context["report"]
    assert report.ok and report.dry_run and report.created == 2
    assert not Listing.objects.exists()  # the dry run saved nothing
    token = checked.context["token"]
    assert f'value="{token}"' in checked.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        confirmed = client.post(reverse("market_imports:confirm"), {"token": token})
    done = client.get(confirmed.url)

    assert len(queued) == 1  # the import task, sent once the request commits
    assert confirmed.url == reverse("market_imports:status", args=[token])
    assert done.status_code == 200
    assert done.templates[0].name == "market/imports/import_result.html"
    assert done.context["report"].created == 2
    assert done.context["filename"] == "outcomes.csv"
    assert set(Outcome.objects.values_list("external_id", flat=True)) == {
        "CG-0001",
        "CG-0002",
    }
    assert all(o.created_by == moderator for o in Outcome.objects.all())
    # The stored upload is used once: confirming again finds nothing to import.
    again = client.post(reverse("market_imports:confirm"), {"token": token})
    assert again.url == reverse("market_imports:import")
    assert Outcome.objects.count() == 2


def test_import_admin_status_page_waits_for_the_worker(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    token = upload(client, csv_bytes([outcome_row(1)])).context["token"]
    with django_capture_on_commit_callbacks(execute=False):  # no worker runs it yet
        client.post(reverse("market_imports:confirm"), {"token": token})

    waiting = client.get(reverse("market_imports:status", args=[token]))
    jobs.run(moderator.pk, token, "en")  # what the worker does
    done = client.get(reverse("market_imports:status", args=[token]))
    jobs.run(moderator.pk, token, "en")  # a redelivered task changes nothing

    assert waiting.templates[0].name == "market/imports/import_status.html"
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    assert done.context["report"].created == 1
    assert Outcome.objects.count() == 1


def test_import_admin_confirmation_reports_problems_that_appeared_since_the_check(
    client, moderator, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    token = upload(client, csv_bytes([outcome_row(1)])).context["token"]
    Organisation.objects.filter(name=UNIVERSITY).delete()  # gone meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("market_imports:confirm"), {"token": token})
    result = client.get(confirmed.url)

    assert result.templates[0].name == "market/imports/import_report.html"
    assert [(i.line, i.column) for i in result.context["report"].issues] == [
        (2, "所属机构")
    ]
    assert not Listing.objects.exists()


def test_import_admin_shows_every_bad_row_and_offers_no_confirmation(client, moderator):
    client.force_login(moderator)
    rows = [
        outcome_row(1, **{"价格（万元）": "三百"}),
        outcome_row(2),
        outcome_row(3, 所在地区="火星"),
    ]

    checked = upload(client, xlsx_bytes(rows), name="outcomes.xlsx")

    html = checked.content.decode()
    assert [(i.line, i.column) for i in checked.context["report"].issues] == [
        (2, "价格（万元）"),
        (4, "所在地区"),
    ]
    assert "三百" in html and "火星" in html
    assert checked.context["token"] == ""
    assert reverse("market_imports:confirm") not in html
    assert not Listing.objects.exists()


def test_import_admin_refuses_an_unknown_token(client, moderator):
    client.force_login(moderator)

    response = client.post(reverse("market_imports:confirm"), {"token": "0" * 64})

    assert response.status_code == 302
    assert response.url == reverse("market_imports:import")
    assert not Listing.objects.exists()


def test_import_admin_token_belongs_to_the_uploader(client, moderator):
    client.force_login(moderator)
    token = upload(client, csv_bytes([outcome_row(1)])).context["token"]
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.post(reverse("market_imports:confirm"), {"token": token})

    assert response.status_code == 302
    assert not Listing.objects.exists()


def test_import_admin_rejects_other_file_types(client, moderator):
    client.force_login(moderator)

    response = upload(client, b"%PDF-1.4", name="catalogue.pdf")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "report" not in response.context


def test_import_admin_is_refused_to_a_researcher(client, moderator):
    client.force_login(UserFactory(roles=[Role.RESEARCHER]))

    page = client.get(reverse("market_imports:import"))
    posted = upload(client, csv_bytes([outcome_row(1)]))
    export = client.get(
        reverse("market_imports:export"), {"kind": "outcome", "format": "csv"}
    )

    # Wagtail sends users without admin access to its log-in page.
    for response in (page, posted, export):
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
    assert not Listing.objects.exists()


def test_import_admin_is_refused_to_an_agent_without_moderation(client, moderator):
    client.force_login(UserFactory(roles=[Role.AGENT]))

    page = client.get(reverse("market_imports:import"))
    posted = upload(client, csv_bytes([outcome_row(1)]))

    # Admin users lacking market.moderate_listing go back to the dashboard.
    for response in (page, posted):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    assert not Listing.objects.exists()


def test_export_admin_downloads_the_filtered_list(client, moderator):
    OutcomeFactory(published=True, title="已发布的成果")
    OutcomeFactory(title="草稿成果")
    client.force_login(moderator)

    page = client.get(reverse("market_imports:export"))
    csv = client.get(
        reverse("market_imports:export"),
        {"kind": "outcome", "status": ListingStatus.PUBLISHED, "format": "csv"},
    )
    xlsx = client.get(
        reverse("market_imports:export"), {"kind": "outcome", "format": "xlsx"}
    )

    assert page.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert "已发布的成果" in text and "草稿成果" not in text
    titles = [row[1] for row in xlsx_rows(xlsx.content)[1:]]
    assert sorted(titles) == ["已发布的成果", "草稿成果"]


def test_import_admin_template_has_the_headers(client, moderator):
    client.force_login(moderator)

    response = client.get(
        reverse("market_imports:template"), {"kind": "demand", "format": "xlsx"}
    )

    rows = xlsx_rows(response.content)
    assert rows[0][:3] == ["外部编号", "需求名称", "摘要"]
    assert len(rows) == 1


def test_import_admin_menu_items_show_only_to_moderators(moderator):
    request = RequestFactory().get("/admin/")
    agent = UserFactory(roles=[Role.AGENT])

    request.user = moderator
    for_moderator = [item.is_shown(request) for item in menu_items()]
    request.user = agent
    for_agent = [item.is_shown(request) for item in menu_items()]

    assert [str(item.url) for item in menu_items()] == [
        reverse("market_imports:import"),
        reverse("market_imports:export"),
    ]
    assert for_moderator == [True, True]
    assert for_agent == [False, False]


def test_import_admin_offers_to_run_again_an_import_whose_worker_died(
    client, moderator, settings, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    token = upload(client, csv_bytes([outcome_row(1)])).context["token"]
    with django_capture_on_commit_callbacks(execute=False):  # no worker runs it yet
        client.post(reverse("market_imports:confirm"), {"token": token})
    # A worker took it and was killed: no heartbeat for two minutes.
    ImportJob.objects.filter(token=token).update(
        state="running", heartbeat_at=timezone.now() - dt.timedelta(minutes=2)
    )
    settings.IMPORT_STALE_SECONDS = 60

    failed = client.get(reverse("market_imports:status", args=[token]))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("market_imports:confirm"), {"token": token})
    done = client.get(again.url)

    page = failed.content.decode()
    assert failed.context["job"]["state"] == "failed"
    assert f'action="{reverse("market_imports:confirm")}"' in page
    assert f'name="token" value="{token}"' in page
    assert '<meta http-equiv="refresh"' not in page
    assert done.templates[0].name == "market/imports/import_result.html"
    assert Outcome.objects.count() == 1
