"""The public statistics page, the managers' dashboard and every figure's downloads.

Thin: parse the period and cuts, ask ``reports.figures`` for rows, render them as a
chart with its table, or as CSV, XLSX or JSON.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from market.models import Challenge, Deal, Listing, Organisation, Region, TechField
from market.spreadsheets import CONTENT_TYPES
from reports import charts, selectors
from reports.exports import export
from reports.figures import FIGURES, FigureSpec, compute, page_table, table
from reports.params import ReportQuery, parse_report_query, public_errors
from reports.permissions import can_read_figure, can_view_dashboard


class _Encoder(DjangoJSONEncoder):
    """Amounts (Decimal) as JSON numbers, not strings."""

    def default(self, o: Any) -> Any:
        from decimal import Decimal

        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def _figure_context(spec: FigureSpec, query: ReportQuery) -> dict[str, Any]:
    rows = compute(spec.name, query.period, query.cuts)
    header, cells = page_table(spec, rows)
    columns = {column.key: column for column in spec.columns}
    params = urlencode(query.as_params())
    return {
        "spec": spec,
        "note": str(spec.note).replace("%(least)s", str(selectors.public_min_deals())),
        "header": header,
        "cells": cells,
        "chart": charts.bar_chart(
            rows,
            spec.chart_label,
            [(key, str(columns[key].label)) for key in spec.chart_series],
        )
        if spec.chart_series
        else "",
        "downloads": {
            fmt: reverse("reports:data", args=[spec.name, fmt]) + "?" + params
            for fmt in ("csv", "xlsx", "json")
        },
    }


def _filter_choices(with_institutions: bool) -> dict[str, Any]:
    choices: dict[str, Any] = {
        "presets": [
            ("12m", _("Last 12 months")),
            ("this_year", _("This year")),
            ("last_year", _("Last year")),
            ("all", _("Everything")),
        ],
        "fields": list(TechField.objects.filter(is_active=True).order_by("code")),
        "regions": list(Region.objects.filter(level__lte=2).order_by("code")),
    }
    if with_institutions:
        # Organisations that posted something or took part in a deal: the others
        # would only lengthen the list.
        active = (
            Exists(Listing.objects.filter(organisation=OuterRef("pk")))
            | Exists(Challenge.objects.filter(issuer=OuterRef("pk")))
            | Exists(Deal.objects.filter(supplier=OuterRef("pk")))
            | Exists(Deal.objects.filter(buyer=OuterRef("pk")))
        )
        choices["institutions"] = list(
            Organisation.objects.filter(active).order_by("name").only("pk", "name")
        )
    return choices


def _render(
    request: HttpRequest,
    template: str,
    query: ReportQuery,
    errors: list[str],
    figures: list[FigureSpec],
    managers: bool,
) -> HttpResponse:
    context: dict[str, Any] = {
        "query": query,
        "errors": errors,
        "params": request.GET,
        "figures": [] if errors else [_figure_context(spec, query) for spec in figures],
        **_filter_choices(managers),
    }
    status = HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK
    return render(request, template, context, status=status)


@require_GET
def public_summary(request: HttpRequest) -> HttpResponse:
    """统计概览: aggregates over public data for everyone."""
    query = parse_report_query(request.GET)
    figures = [spec for spec in FIGURES.values() if spec.public]
    return _render(
        request, "reports/public.html", query, public_errors(query), figures, False
    )


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The managers' dashboard: every figure, cut by field, region and institution."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    query = parse_report_query(request.GET)
    return _render(
        request,
        "reports/dashboard.html",
        query,
        list(query.errors),
        [spec for spec in FIGURES.values() if spec.dashboard],
        True,
    )


@require_GET
def figure_data(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One figure as JSON, CSV or XLSX for the period and cuts asked for."""
    spec = FIGURES.get(name)
    if spec is None or fmt not in ("json", *CONTENT_TYPES):
        raise Http404
    if not can_read_figure(request.user, spec):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    query = parse_report_query(request.GET)
    errors = list(query.errors)
    if not can_view_dashboard(request.user):
        errors = public_errors(query)
    if errors:
        return JsonResponse({"errors": errors}, status=HTTPStatus.BAD_REQUEST)
    rows = compute(spec.name, query.period, query.cuts)
    response: HttpResponse
    if fmt == "json":
        response = JsonResponse(
            {
                "figure": spec.name,
                "title": str(spec.title),
                "period": {
                    "from": query.period.first.strftime("%Y-%m"),
                    "to": query.period.last.strftime("%Y-%m"),
                },
                "cuts": query.cuts.as_params(),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind}
                    for c in spec.columns
                ],
                "rows": rows,
            },
            encoder=_Encoder,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        header, cells = table(spec, rows)
        response = HttpResponse(
            export(header, cells, fmt, spec.name), content_type=CONTENT_TYPES[fmt]
        )
        filename = "{}-{}-{}.{}".format(
            spec.name,
            query.period.first.strftime("%Y%m"),
            query.period.last.strftime("%Y%m"),
            fmt,
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if not spec.public:
        response["Cache-Control"] = "private, no-store"
    return response
