"""A report's period and cuts, read from query parameters.

The period is whole months, ``from`` and ``to`` as ``YYYY-MM`` (both included), or a
``preset``; the cuts narrow every figure to a technology field (its code, a top-level
field includes its sub-fields), a region (GB/T 2260 code, a province or city includes
what lies under it) and an institution (an organisation's id). A malformed or unknown
value is an error the page answers with 400, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from market.models import Organisation, Region, TechField
from market.regions import is_region_code

_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_FIELD_CODE = re.compile(r"^\d{2}(\d{2})?$", re.ASCII)
_ID = re.compile(r"^\d{1,12}$", re.ASCII)

PRESETS = ("12m", "this_year", "last_year", "all")
DEFAULT_PRESET = "12m"
# The earliest month a period may start (older months hold nothing).
EARLIEST = dt.date(2000, 1, 1)
# The longest period, in months: monthly figures stay a readable size.
MAX_MONTHS = 240


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both the first day of their month)."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period, in the site's time zone."""
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=_zone())

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(_next_month(self.last), dt.time.min, tzinfo=_zone())

    @property
    def end_date(self) -> dt.date:
        """The first day after the period (dates are compared below it)."""
        return _next_month(self.last)

    def months(self) -> list[dt.date]:
        """The first day of every month of the period, oldest first."""
        months = []
        month = self.first
        while month <= self.last:
            months.append(month)
            month = _next_month(month)
        return months


@dataclass(frozen=True)
class Cuts:
    """What every figure is narrowed to; ``None`` means any."""

    field: TechField | None = None
    region: Region | None = None
    institution: Organisation | None = None

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.field is not None:
            params["field"] = self.field.code
        if self.region is not None:
            params["region"] = self.region.code
        if self.institution is not None:
            params["institution"] = str(self.institution.pk)
        return params


@dataclass(frozen=True)
class ReportQuery:
    period: Period
    cuts: Cuts
    preset: str
    errors: tuple[str, ...] = ()

    def as_params(self) -> dict[str, str]:
        """The query string that asks for this report again."""
        return {
            "from": self.period.first.strftime("%Y-%m"),
            "to": self.period.last.strftime("%Y-%m"),
            **self.cuts.as_params(),
        }


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, today: dt.date | None = None) -> Period:
    """The months a preset names, counted from ``today`` (the site's date)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    if preset == "this_year":
        return Period(dt.date(today.year, 1, 1), this_month)
    if preset == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 1))
    if preset == "all":
        from reports.selectors import earliest_month

        first = max(
            min(earliest_month() or this_month, this_month),
            _month_back(this_month, MAX_MONTHS - 1),
        )
        return Period(first, this_month)
    return Period(_month_back(this_month, 11), this_month)


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value.strip()[:40] if isinstance(value, str) else ""


def _month(value: str) -> dt.date | None:
    match = _MONTH.match(value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (EARLIEST.year <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def parse_report_query(params: Mapping[str, Any]) -> ReportQuery:
    """The period and cuts the parameters ask for, with an error per bad value."""
    errors: list[str] = []
    preset = _text(params, "preset")
    if preset and preset not in PRESETS:
        errors.append(_("Unknown period preset."))
        preset = ""
    period = preset_period(preset or DEFAULT_PRESET)
    first_text, last_text = _text(params, "from"), _text(params, "to")
    if first_text or last_text:
        first = _month(first_text) if first_text else period.first
        last = _month(last_text) if last_text else period.last
        if first is None:
            errors.append(_("“From” is not a month (YYYY-MM)."))
        if last is None:
            errors.append(_("“To” is not a month (YYYY-MM)."))
        if first is not None and last is not None:
            if first > last:
                errors.append(_("The first month comes after the last month."))
            elif len(Period(first, last).months()) > MAX_MONTHS:
                errors.append(_("Choose a period of at most 20 years."))
            else:
                period = Period(first, last)
                preset = ""
    elif not preset:
        preset = DEFAULT_PRESET

    field = region = institution = None
    code = _text(params, "field")
    if code:
        field = (
            TechField.objects.filter(code=code).first()
            if _FIELD_CODE.match(code)
            else None
        )
        if field is None:
            errors.append(_("Unknown technology field."))
    code = _text(params, "region")
    if code:
        region = (
            Region.objects.filter(code=code).first() if is_region_code(code) else None
        )
        if region is None:
            errors.append(_("Unknown region."))
    ident = _text(params, "institution")
    if ident:
        institution = (
            Organisation.objects.filter(pk=int(ident)).first()
            if _ID.match(ident)
            else None
        )
        if institution is None:
            errors.append(_("Unknown institution."))
    return ReportQuery(
        period=period,
        cuts=Cuts(field=field, region=region, institution=institution),
        preset=preset,
        errors=tuple(errors),
    )


def public_errors(query: ReportQuery) -> list[str]:
    """The query's errors for a reader of the public figures, who may not cut them
    by institution (the page, the downloads and the REST API alike)."""
    errors = list(query.errors)
    if query.cuts.institution is not None:
        errors.append(_("The public statistics are not cut by institution."))
    return errors
