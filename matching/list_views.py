"""Agents' lists: demands that need an agent, and the export of every decision."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from market.models import Region, TechField
from market.params import parse_page
from market.permissions import can_moderate
from market.spreadsheets import CONTENT_TYPES, FORMATS
from matching import selectors
from matching.exports import export_decisions
from matching.models import MatchGap
from matching.permissions import can_use_agent_lists
from matching.services.gaps import GapError, claim_gap, release_gap

PER_PAGE = 25
# Dates outside these years are typing mistakes (and beyond them date arithmetic fails).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999


def _require_agent(request: HttpRequest) -> None:
    if not can_use_agent_lists(request.user):
        raise PermissionDenied


def _code(model: Any, value: str, error: str) -> Any:
    """The row of ``model`` with this code; None when empty; ValueError when unknown."""
    value = value.strip()
    if not value:
        return None
    found = None if "\x00" in value else model.objects.filter(code=value[:20]).first()
    if found is None:
        raise ValueError(error)
    return found


@never_cache
@login_required
@require_GET
def needs_an_agent(request: HttpRequest) -> HttpResponse:
    """Demands the matcher serves badly, by field and region; an agent takes one."""
    _require_agent(request)
    errors: list[str] = []
    field = region = None
    try:
        field = _code(TechField, request.GET.get("field", ""), _("Unknown field."))
    except ValueError as error:
        errors.append(str(error))
    try:
        region = _code(Region, request.GET.get("region", ""), _("Unknown region."))
    except ValueError as error:
        errors.append(str(error))
    show = request.GET.get("show", selectors.SHOW_ALL)
    if show not in selectors.SHOW_CHOICES:
        errors.append(_("Unknown choice of demands to show."))
        show = selectors.SHOW_ALL
    filters = selectors.GapFilters(field=field, region=region, show=show)
    gaps = selectors.demands_needing_an_agent(filters, request.user)
    page = Paginator(gaps, PER_PAGE).get_page(parse_page(request.GET.get("page")))
    return render(
        request,
        "matching/needs_an_agent.html",
        {
            "results": page,
            "filters": filters,
            "errors": errors,
            "can_moderate": can_moderate(request.user),
            "fields": TechField.objects.filter(parent__isnull=True).order_by("code"),
            "regions": Region.objects.filter(parent__isnull=True).order_by("code"),
            "shows": [
                (selectors.SHOW_ALL, _("All")),
                (selectors.SHOW_UNCLAIMED, _("Not taken yet")),
                (selectors.SHOW_MINE, _("Taken by me")),
            ],
        },
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )


@login_required
@require_POST
def take_gap(request: HttpRequest, gap_id: int) -> HttpResponse:
    """An agent takes a demand of the list in hand."""
    _require_agent(request)
    if not MatchGap.objects.filter(pk=gap_id).exists():
        raise Http404
    try:
        claim_gap(gap_id, agent_id=int(request.user.pk))  # type: ignore[arg-type]
    except GapError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You have taken this demand in hand."))
    return redirect("matching_lists:needs_an_agent")


@login_required
@require_POST
def release_gap_view(request: HttpRequest, gap_id: int) -> HttpResponse:
    """An agent gives a demand they hold back to the list."""
    _require_agent(request)
    if not MatchGap.objects.filter(pk=gap_id).exists():
        raise Http404
    try:
        release_gap(gap_id, agent_id=int(request.user.pk))  # type: ignore[arg-type]
    except GapError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The demand is back on the list."))
    return redirect("matching_lists:needs_an_agent")


def _date(value: str, label: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10]) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(
            _("%(label)s: give a date as YYYY-MM-DD, e.g. 2026-12-01.")
            % {"label": label}
        )
    return day


@never_cache
@login_required
@require_GET
def decisions_export(request: HttpRequest) -> HttpResponse:
    """The export form; with ``format`` (csv or xlsx), the decisions as a file."""
    _require_agent(request)
    errors: list[str] = []
    start = end = None
    try:
        start = _date(request.GET.get("from", ""), pgettext("date range", "From"))
    except ValueError as error:
        errors.append(str(error))
    try:
        end = _date(request.GET.get("to", ""), pgettext("date range", "To"))
    except ValueError as error:
        errors.append(str(error))
    if start and end and start > end:
        errors.append(_("The start date comes after the end date."))
    format = request.GET.get("format", "")
    if format and format not in FORMATS:
        errors.append(_("Choose CSV or XLSX."))
    if errors or not format:
        return render(
            request,
            "matching/decisions_export.html",
            {
                "errors": errors,
                "start": request.GET.get("from", "")[:40],
                "end": request.GET.get("to", "")[:40],
                "count": None
                if errors
                else selectors.decisions_between(None, None).count(),
            },
            status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        )
    body = export_decisions(selectors.decisions_between(start, end), format)
    name = "decisions"
    if start:
        name += f"-from-{start.isoformat()}"
    if end:
        name += f"-to-{end.isoformat()}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response
