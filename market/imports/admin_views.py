"""Wagtail admin views: upload → dry-run report → confirm → status → result; export.

Between the dry run and the confirmation the upload waits in the cache (Redis in
production) under the SHA-256 of its bytes and options, in the uploading user's
namespace, for an hour (market.imports.jobs). Re-uploading would let a different file
be confirmed than the one checked, and the session is the wrong place for up to 100 MB
(it is written on every request and lives in the database or a cookie). The
confirmation queues a Celery task, which validates the file again inside the
import's transaction, so a checked file that went stale still imports all or nothing.

``urlpatterns`` (app namespace ``market_imports``) and ``menu_items()`` are registered
by ``market/wagtail_hooks.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.menu import MenuItem

from market.imports import jobs
from market.imports.columns import COLUMNS
from market.imports.exporter import (
    CONTENT_TYPES,
    export_filename,
    export_listings,
    filtered_listings,
)
from market.imports.importer import import_listings
from market.imports.parsing import (
    MAX_FILE_SIZE,
    MAX_ROWS,
    FileRejected,
    Table,
    read_table,
)
from market.imports.tasks import import_upload
from market.imports.validation import MAX_VALID_DAYS, MODELS
from market.imports.values import CellError, Reference
from market.models import ListingKind, ListingStatus, Organisation, TechField
from market.permissions import can_moderate

app_name = "market_imports"

_TOKEN = re.compile(r"[0-9a-f]{64}")
_EXTENSIONS = (".csv", ".txt", ".xlsx")
# A job still queued after this long means no worker took it: say so on the page.
STALLED_AFTER = dt.timedelta(minutes=2)


class ImportForm(forms.Form):
    """The file and the options of an import; a valid form holds the file's table."""

    content: bytes
    table: Table

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of listings"),
        choices=ListingKind.choices,
        initial=ListingKind.OUTCOME,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(_EXTENSIONS)}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status of imported listings"),
        choices=[
            (ListingStatus.DRAFT.value, gettext_lazy("Draft: publish them later")),
            (
                ListingStatus.PUBLISHED.value,
                gettext_lazy("Published: submit and publish them now"),
            ),
        ],
        initial=ListingStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Listings that already exist keep their status unless you publish; "
            "importing never unpublishes."
        ),
    )
    create_organisations = forms.BooleanField(
        label=gettext_lazy("Create organisations that do not exist yet"),
        required=False,
        help_text=gettext_lazy(
            "They are created unverified; verify them in the organisation list."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        required=False,
        help_text=gettext_lazy(
            "Import the good rows and download the rejected ones with their "
            "problems, to correct and import them again. Without it, a file with "
            "any problem imports nothing."
        ),
    )
    default_region = forms.CharField(
        label=gettext_lazy("Default region"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "For rows without a region, e.g. 江苏省 苏州市 or 320500. Shown on the "
            "listing as provided by the platform."
        ),
    )
    default_contact_name = forms.CharField(
        label=gettext_lazy("Default contact: name"),
        required=False,
        max_length=60,
        help_text=gettext_lazy(
            "The market's service desk, for rows without any contact. Shown on the "
            "listing as provided by the platform."
        ),
    )
    default_contact_phone = forms.CharField(
        label=gettext_lazy("Default contact: phone"), required=False, max_length=30
    )
    default_contact_email = forms.EmailField(
        label=gettext_lazy("Default contact: email"), required=False
    )
    validity_days = forms.IntegerField(
        label=gettext_lazy("Validity (days)"),
        required=False,
        min_value=1,
        max_value=MAX_VALID_DAYS,
        help_text=gettext_lazy(
            "How long published listings stay valid (default: the site's setting). "
            "Demands without a deadline get one this many days ahead, shown as set "
            "by the platform."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GB18030) or Excel workbook (.xlsx); at most %(size)s MB "
            "and %(rows)s rows; the first row holds the column headers."
        ) % {"size": MAX_FILE_SIZE // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}

    def clean_default_region(self) -> str:
        value = self.cleaned_data.get("default_region", "").strip()
        if value:
            try:
                Reference().region(value)
            except CellError as error:
                raise forms.ValidationError(error.message) from None
        return value

    def defaults(self) -> dict[str, Any]:
        """The operator's defaults, as ``import_listings`` takes them."""
        data = self.cleaned_data
        return {
            "region": data["default_region"],
            "contact_name": data["default_contact_name"],
            "contact_phone": data["default_contact_phone"],
            "contact_email": data["default_contact_email"],
            "valid_days": data["validity_days"],
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_FILE_SIZE // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (old .xls files: save them as .xlsx).")
            )
        # A file that cannot be read as a whole (its encoding, a zip bomb, a damaged
        # workbook) is an error of this field, shown with the other choices kept.
        self.content = upload.read()
        try:
            self.table = read_table(self.content)
        except FileRejected as error:
            raise forms.ValidationError(str(error.message), code="file") from None
        return upload


class ExportForm(forms.Form):
    """Filters of an export; the names match the admin listing's filters."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of listings"),
        choices=ListingKind.choices,
        initial=ListingKind.OUTCOME,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *ListingStatus.choices],
        required=False,
    )
    field = forms.ModelChoiceField(
        label=gettext_lazy("Technology field"),
        queryset=TechField.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any field"),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any organisation"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (UTF-8)")],
        initial="xlsx",
    )


def _download(data: bytes, kind: str, format: str, *, prefix: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    filename = prefix + export_filename(kind, format, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _column_rows() -> list[dict[str, Any]]:
    labels = dict(ListingKind.choices)
    rows = []
    for column in COLUMNS:
        headers = [column.header_for(kind) for kind in column.kinds]
        headers += [column.header, *column.aliases]
        rows.append(
            {
                "key": column.key,
                "headers": " / ".join(dict.fromkeys(headers)),
                "kinds": "、".join(str(labels[kind]) for kind in column.kinds),
                "required": column.required,
                "help": column.help,
                "example": column.example,
            }
        )
    return rows


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk)  # type: ignore[arg-type]  # moderators are logged in


class ModeratorRequiredMixin:
    """Only users with ``market.moderate_listing`` import and export listings."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ImportView(ModeratorRequiredMixin, View):
    """GET: the upload form; POST: a dry run of the uploaded file and its report."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._form(request, ImportForm())

    def _form(self, request: HttpRequest, form: ImportForm) -> HttpResponse:
        return render(
            request,
            "market/imports/import_form.html",
            {
                "form": form,
                "columns": _column_rows(),
                "kinds": ListingKind.choices,
                "max_rows": MAX_ROWS,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._form(request, form)
        upload = form.cleaned_data["file"]
        data = form.content
        options = {
            "kind": form.cleaned_data["kind"],
            "default_status": form.cleaned_data["status"],
            "create_organisations": form.cleaned_data["create_organisations"],
            "skip_invalid": form.cleaned_data["skip_invalid"],
            "defaults": form.defaults(),
            "filename": upload.name,
        }
        report = import_listings(
            rows_or_file=form.table,
            dry_run=True,
            by_user_id=_user_id(request),
            **options,
        )
        token = ""
        if report.ok and report.rows > report.rejected:
            token = jobs.store_upload(_user_id(request), data, upload.name, options)
            if report.rejected_file:
                jobs.store_rejected(_user_id(request), token, report.rejected_file)
        return render(
            request,
            "market/imports/import_report.html",
            {"report": report, "token": token, "filename": upload.name},
        )


class ConfirmImportView(ModeratorRequiredMixin, View):
    """POST: queue the import of the file checked in the dry run."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        if not (_TOKEN.fullmatch(token) and jobs.has_upload(_user_id(request), token)):
            messages.error(
                request,
                _("The checked file is no longer available; please upload it again."),
            )
            return redirect("market_imports:import")
        if jobs.queue(_user_id(request), token):
            import_upload.delay_on_commit(
                _user_id(request), token, get_language() or "zh-hans"
            )
        return redirect("market_imports:status", token=token)


class ImportStatusView(ModeratorRequiredMixin, View):
    """GET: the import's progress, then its result (or the problems it found)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        job = jobs.state(_user_id(request), token)
        if job is None:
            messages.error(request, _("There is no such import."))
            return redirect("market_imports:import")
        context = {"job": job, "filename": job.get("filename", ""), "token": token}
        if job["state"] == jobs.FAILED and jobs.has_upload(_user_id(request), token):
            context["retry_token"] = token  # the checked file is still there
        if job["state"] == jobs.DONE:
            report = job["report"]
            template = (
                "market/imports/import_result.html"
                if report.ok
                else "market/imports/import_report.html"
            )
            return render(request, template, {**context, "report": report})
        since = dt.datetime.fromisoformat(
            job.get("since") or timezone.now().isoformat()
        )
        context["stalled"] = (
            job["state"] == jobs.QUEUED and timezone.now() - since > STALLED_AFTER
        )
        return render(request, "market/imports/import_status.html", context)


class RejectedRowsView(ModeratorRequiredMixin, View):
    """GET: the rejected rows of an import (or of its dry run) as CSV."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        data = jobs.rejected_file(_user_id(request), token)
        if data is None:
            messages.error(
                request, _("The file of rejected rows is no longer available.")
            )
            return redirect("market_imports:import")
        response = HttpResponse(data, content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = (
            f'attachment; filename="rejected-rows-{timezone.localdate()}.csv"'
        )
        return response


def _admin_filterset(kind: str) -> Any:
    """The outcome or demand admin list's filter set, if that module provides it."""
    try:
        from market import admin_views
    except ImportError:
        return None
    name = "OutcomeFilterSet" if kind == ListingKind.OUTCOME else "DemandFilterSet"
    return getattr(admin_views, name, None)


def _filtered(request: HttpRequest, data: dict[str, Any]) -> Any:
    """Listings matching the export form, or every filter of the admin list's link."""
    filterset_class = _admin_filterset(data["kind"])
    if filterset_class is not None:
        # Same parameter names as the list, so its "?status=…&maturity=…" works here.
        queryset = MODELS[data["kind"]].objects.order_by("pk")
        return filterset_class(request.GET, queryset=queryset, request=request).qs
    return filtered_listings(
        data["kind"],
        status=data["status"] or None,
        field=data["field"],
        organisation=data["organisation"],
    )


class ExportView(ModeratorRequiredMixin, View):
    """GET: the export filters; with ``format`` set, the file of matching listings."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.GET or None)
        if "format" in request.GET and form.is_valid():
            data = form.cleaned_data
            queryset = _filtered(request, data)
            return _download(
                export_listings(queryset, data["format"]), data["kind"], data["format"]
            )
        return render(request, "market/imports/export_form.html", {"form": form})


class ImportTemplateView(ModeratorRequiredMixin, View):
    """GET ``?kind=outcome&format=xlsx``: an empty file with the column headers."""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = request.GET.get("kind", ListingKind.OUTCOME)
        format = request.GET.get("format", "xlsx")
        if kind not in MODELS or format not in CONTENT_TYPES:
            return redirect("market_imports:import")
        data = export_listings(MODELS[kind].objects.none(), format)
        return _download(data, kind, format, prefix="template-")


def get_urlpatterns() -> list[URLPattern]:
    """Fresh URL patterns (Wagtail decorates the ones it registers in place)."""
    return [
        path("import/", ImportView.as_view(), name="import"),
        path("import/confirm/", ConfirmImportView.as_view(), name="confirm"),
        re_path(
            r"^import/(?P<token>[0-9a-f]{64})/$",
            ImportStatusView.as_view(),
            name="status",
        ),
        re_path(
            r"^import/(?P<token>[0-9a-f]{64})/rejected\.csv$",
            RejectedRowsView.as_view(),
            name="rejected",
        ),
        path("import/template/", ImportTemplateView.as_view(), name="template"),
        path("export/", ExportView.as_view(), name="export"),
    ]


urlpatterns = get_urlpatterns()


class ModeratorMenuItem(MenuItem):
    """A menu item shown only to users who may moderate listings."""

    def is_shown(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)


def menu_items() -> list[MenuItem]:
    """The admin menu entries: Import listings, Export listings."""
    return [
        ModeratorMenuItem(
            gettext_lazy("Import listings"),
            reverse_lazy("market_imports:import"),
            name="market-import-listings",
            icon_name="upload",
            order=900,
        ),
        ModeratorMenuItem(
            gettext_lazy("Export listings"),
            reverse_lazy("market_imports:export"),
            name="market-export-listings",
            icon_name="download",
            order=910,
        ),
    ]
