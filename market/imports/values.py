"""Cell values of catalogue files: reading a cell, writing one, and reference look-ups.

Each column has a parser (cell → value, or ``CellError``) and a formatter (value →
the canonical cell text). Export writes the canonical text; import compares the
canonical text of the file with that of the listing to tell updated from unchanged
rows, so exporting and importing again changes nothing.

The words written into cells (面议, 公开, 发明专利 …) are data, not interface text: they
are the same whatever language the operator's browser uses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from market.models import (
    STAGE_LEVELS,
    Confidentiality,
    CooperationMode,
    IPRightKind,
    IPRightStatus,
    MaturityStage,
    Organisation,
    OrganisationKind,
    Region,
    TechField,
)


class CellError(Exception):
    """A cell that cannot be read; ``message`` names the value and what was expected."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


NEGOTIABLE = "面议"
LIST_SEPARATORS = re.compile(r"[，,、;；\n]+")
# Excel and LibreOffice run cells starting with these as formulas (CSV injection);
# OWASP adds tab and carriage return, which some programs skip before a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the export puts before such a cell, and the import takes off again.
FORMULA_GUARD = "'"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", _nfkc(value)).lower()


def _quoted(value: Any) -> str:
    return text(value)[:80]


# ---------------------------------------------------------------- plain values


def text(raw: Any) -> str:
    """A cell as trimmed text; whole numbers from Excel lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, int | float | Decimal):
        return str(raw)
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0, 0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    value = _CONTROL.sub("", str(raw).replace("\r\n", "\n").replace("\r", "\n"))
    value = value.strip()
    # The export guards formula-like cells with an apostrophe; take it off again (a
    # guarded carriage return reads as a new line here).
    if len(value) > 1 and value[0] == FORMULA_GUARD and value[1] in "=+-@\t\n":
        value = value[1:].strip()
    return value


def guard_formula(value: str) -> str:
    """``value`` with an apostrophe before it if a spreadsheet would run it."""
    return FORMULA_GUARD + value if value.startswith(FORMULA_STARTS) else value


def word_list(raw: Any) -> list[str]:
    """Keywords: split on 、 , ， ; ； or new lines, trimmed, without repeats."""
    items: list[str] = []
    for part in LIST_SEPARATORS.split(text(raw)):
        item = part.strip()
        if item and item not in items:
            items.append(item)
    return items


def format_words(items: Iterable[str]) -> str:
    return "、".join(items)


def line_list(raw: Any) -> list[str]:
    """Objectives: one per line or separated by ；/;."""
    return [p.strip() for p in re.split(r"[\n;；]+", text(raw)) if p.strip()]


def format_lines(items: Iterable[str]) -> str:
    return "\n".join(items)


# ---------------------------------------------------------------- rich text

_HTML_TAG = re.compile(
    r"<\s*/?\s*(p|br|h[1-6]|ul|ol|li|b|strong|i|em|a|div|span|table|tr|td|blockquote)\b",
    re.IGNORECASE,
)
_SIMPLE_PARAGRAPHS = re.compile(r"(?:\s*<p>[^<>]*</p>)+\s*")


def plain_to_html(value: str) -> str:
    """One escaped paragraph per non-empty line."""
    return "".join(
        f"<p>{html.escape(line.strip(), quote=False)}</p>"
        for line in value.split("\n")
        if line.strip()
    )


def _sanitise(value: str) -> str:
    try:
        # Written by another module of the market; until it exists, HTML is escaped.
        from market.sanitize import sanitize_rich_text  # type: ignore[import-not-found]
    except ImportError:
        return plain_to_html(value)
    return str(sanitize_rich_text(value))


def rich_text(raw: Any) -> str:
    """Plain text becomes escaped paragraphs; HTML is sanitised (escaped as fallback)."""
    value = text(raw)
    if not value:
        return ""
    if _HTML_TAG.search(value):
        return _sanitise(value)
    return plain_to_html(value)


def format_rich_text(value: str) -> str:
    """Plain paragraphs come out as lines of text; anything richer stays HTML."""
    value = (value or "").strip()
    if not value:
        return ""
    if _SIMPLE_PARAGRAPHS.fullmatch(value):
        lines = (
            " ".join(html.unescape(p).split())
            for p in re.findall(r"<p>([^<>]*)</p>", value)
        )
        return "\n".join(line for line in lines if line)
    return value


# ---------------------------------------------------------------- numbers

_MAX_MONEY = Decimal("10000000000")  # 12 digits, 2 of them decimals


def _number_text(d: Decimal) -> str:
    return format(d.normalize(), "f")


def decimal(raw: Any) -> Decimal:
    """An amount in 10,000 CNY: ≥ 0, at most two decimals; 万元 and commas allowed."""
    original = _quoted(raw)
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        candidate = str(raw)
    else:
        candidate = _nfkc(text(raw)).replace(",", "").replace(" ", "")
        candidate = re.sub(r"(万元|万)$", "", candidate)
    try:
        amount = Decimal(candidate)
    except InvalidOperation:
        raise CellError(
            _('"%(value)s" is not a number') % {"value": original}
        ) from None
    if not amount.is_finite():
        raise CellError(_('"%(value)s" is not a number') % {"value": original})
    if amount < 0:
        raise CellError(
            _('"%(value)s" is negative; amounts start at 0') % {"value": original}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(
            _('"%(value)s" has more than two decimal places') % {"value": original}
        )
    if amount >= _MAX_MONEY:
        raise CellError(_('"%(value)s" is too large') % {"value": original})
    return amount.quantize(Decimal("0.01"))


def _split_negotiable(value: str) -> tuple[str, bool]:
    compact = _nfkc(value)
    if NEGOTIABLE in compact or "negotiable" in compact.lower():
        rest = re.sub(
            r"\(?\s*(?:可以|可)?面议\s*\)?|negotiable", "", compact, flags=re.IGNORECASE
        )
        return rest.strip(" ,，;；/"), True
    return compact.strip(), False


def price(raw: Any) -> tuple[Decimal | None, bool]:
    """(price in 10,000 CNY or None, negotiable): 300, 面议, 300（可面议）."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return decimal(raw), False
    value = text(raw)
    if not value:
        return None, False
    rest, negotiable = _split_negotiable(value)
    return (decimal(rest) if rest else None), negotiable


def format_price(value: tuple[Decimal | None, bool]) -> str:
    amount, negotiable = value
    if amount is None:
        return NEGOTIABLE if negotiable else ""
    return _number_text(amount) + ("（可面议）" if negotiable else "")


_RANGE = re.compile(r"(.+?)(?:-|~|—|–|至|到)(.+)")
_AT_MOST = re.compile(r"(?:≤|<=|<|不超过|不高于|最高)(.+)|(.+?)(?:以内|以下|及以下)")
_AT_LEAST = re.compile(r"(?:≥|>=|>|不低于|不少于|最低)(.+)|(.+?)(?:以上|及以上)")


def budget(raw: Any) -> tuple[Decimal | None, Decimal | None, bool]:
    """(from, up to, negotiable): 50-200, ≤100, ≥50, 100 (exactly), 面议."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        amount = decimal(raw)
        return amount, amount, False
    value = text(raw)
    if not value:
        return None, None, False
    rest, negotiable = _split_negotiable(value)
    compact = re.sub(r"\s+|万元|万", "", rest)
    if not compact:
        return None, None, negotiable
    low: Decimal | None
    high: Decimal | None
    if match := _AT_MOST.fullmatch(compact):
        low, high = None, decimal(match.group(1) or match.group(2))
    elif match := _AT_LEAST.fullmatch(compact):
        low, high = decimal(match.group(1) or match.group(2)), None
    elif match := _RANGE.fullmatch(compact):
        low, high = decimal(match.group(1)), decimal(match.group(2))
    else:
        try:
            low = high = decimal(compact)
        except CellError:
            raise CellError(
                _('"%(value)s" is not a budget: write 50-200, ≤100, ≥50, 100 or 面议')
                % {"value": _quoted(raw)}
            ) from None
    if low is not None and high is not None and low > high:
        raise CellError(
            _('"%(value)s": the lower bound is above the upper bound')
            % {"value": _quoted(raw)}
        )
    return low, high, negotiable


def format_budget(value: tuple[Decimal | None, Decimal | None, bool]) -> str:
    low, high, negotiable = value
    if low is None and high is None:
        return NEGOTIABLE if negotiable else ""
    if low is not None and high is not None:
        amount = (
            _number_text(low)
            if low == high
            else f"{_number_text(low)}-{_number_text(high)}"
        )
    elif low is not None:
        amount = f"≥{_number_text(low)}"
    else:
        assert high is not None
        amount = f"≤{_number_text(high)}"
    return amount + ("（可面议）" if negotiable else "")


# ---------------------------------------------------------------- maturity

STAGE_NAMES: dict[str, str] = {
    "实验室": MaturityStage.LAB,
    "小试": MaturityStage.BENCH,
    "中试": MaturityStage.PILOT,
    "试生产": MaturityStage.TRIAL,
    "量产": MaturityStage.MASS,
    "lab": MaturityStage.LAB,
    "laboratory": MaturityStage.LAB,
    "bench": MaturityStage.BENCH,
    "benchscale": MaturityStage.BENCH,
    "pilot": MaturityStage.PILOT,
    "pilotscale": MaturityStage.PILOT,
    "trial": MaturityStage.TRIAL,
    "trialproduction": MaturityStage.TRIAL,
    "mass": MaturityStage.MASS,
    "massproduction": MaturityStage.MASS,
}


def maturity(raw: Any) -> int | None:
    """A readiness level: 1–9, TRL 6, 6级, or a stage name (its lowest level)."""
    if (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and float(raw).is_integer()
        and 1 <= raw <= 9
    ):
        return int(raw)
    value = text(raw)
    if not value:
        return None
    compact = _compact(value).removesuffix("阶段")
    if match := re.fullmatch(r"(?:trl)?-?([1-9])(?:级)?", compact):
        return int(match.group(1))
    if compact in STAGE_NAMES:
        return min(STAGE_LEVELS[STAGE_NAMES[compact]])
    raise CellError(
        _(
            '"%(value)s" is not a readiness level: write 1 to 9, TRL 6 or a stage '
            "(实验室, 小试, 中试, 试生产, 量产)"
        )
        % {"value": _quoted(raw)}
    )


def format_maturity(value: int | None) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- dates

_DASHED = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?")


def date(raw: Any) -> dt.date | None:
    """2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日 or an Excel date cell."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    # A date cell without a date format arrives as Excel's serial day number.
    if (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and 1 <= raw < 2958466
    ):
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date()
    value = _nfkc(text(raw)).strip()
    if not value:
        return None
    match = _DASHED.fullmatch(value) or _CHINESE_DATE.fullmatch(value.replace(" ", ""))
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(
        _('"%(value)s" is not a date: write 2026-06-30, 2026/6/30 or 2026年6月30日')
        % {"value": _quoted(raw)}
    )


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# ---------------------------------------------------------------- choices

CONFIDENTIALITY_CELLS = {
    Confidentiality.PUBLIC.value: "公开",
    Confidentiality.ANONYMOUS.value: "匿名",
}
_CONFIDENTIALITY = {
    "公开": Confidentiality.PUBLIC.value,
    "public": Confidentiality.PUBLIC.value,
    "匿名": Confidentiality.ANONYMOUS.value,
    "anonymous": Confidentiality.ANONYMOUS.value,
}


def confidentiality(raw: Any) -> str:
    """公开/public or 匿名/anonymous; empty is public."""
    value = _compact(text(raw))
    if not value:
        return Confidentiality.PUBLIC.value
    if value in _CONFIDENTIALITY:
        return _CONFIDENTIALITY[value]
    raise CellError(
        _('"%(value)s" is not a confidentiality level: write 公开 or 匿名')
        % {"value": _quoted(raw)}
    )


def format_confidentiality(value: str) -> str:
    return CONFIDENTIALITY_CELLS.get(value, value)


# ---------------------------------------------------------------- IP rights

IP_KIND_CELLS = {
    IPRightKind.INVENTION.value: "发明专利",
    IPRightKind.UTILITY.value: "实用新型专利",
    IPRightKind.DESIGN.value: "外观设计专利",
    IPRightKind.SOFTWARE.value: "软件著作权",
    IPRightKind.SECRET.value: "技术秘密",
    IPRightKind.OTHER.value: "其他",
}
_IP_KINDS: dict[str, str] = {
    **{_compact(label): kind for kind, label in IP_KIND_CELLS.items()},
    **{kind: kind for kind in IP_KIND_CELLS},
    **{_compact(str(label)): kind for kind, label in IPRightKind.choices},
    "实用新型": IPRightKind.UTILITY.value,
    "外观设计": IPRightKind.DESIGN.value,
    "计算机软件著作权": IPRightKind.SOFTWARE.value,
    "软著": IPRightKind.SOFTWARE.value,
    "专有技术": IPRightKind.SECRET.value,
    "patent": IPRightKind.INVENTION.value,
}
IP_STATUS_CELLS = {
    IPRightStatus.FILED.value: "已申请",
    IPRightStatus.UNDER_EXAMINATION.value: "审查中",
    IPRightStatus.GRANTED.value: "已授权",
    IPRightStatus.EXPIRED.value: "已失效",
    IPRightStatus.NOT_APPLICABLE.value: "不适用",
}
_IP_STATUSES: dict[str, str] = {
    **{label: status for status, label in IP_STATUS_CELLS.items()},
    **{status: status for status in IP_STATUS_CELLS},
    "申请中": IPRightStatus.FILED.value,
    "实审中": IPRightStatus.UNDER_EXAMINATION.value,
    "授权": IPRightStatus.GRANTED.value,
    "已登记": IPRightStatus.GRANTED.value,
    "失效": IPRightStatus.EXPIRED.value,
    "granted": IPRightStatus.GRANTED.value,
    "examination": IPRightStatus.UNDER_EXAMINATION.value,
    "expired": IPRightStatus.EXPIRED.value,
}


@dataclass(frozen=True)
class IPEntry:
    """One IP right as a file states it (titles are kept from the listing)."""

    kind: str
    number: str
    legal_status: str


def default_ip_status(kind: str) -> str:
    if kind == IPRightKind.SECRET:
        return IPRightStatus.NOT_APPLICABLE.value
    return IPRightStatus.GRANTED.value


def ip_rights(raw: Any) -> list[IPEntry]:
    """``发明专利:ZL201910123456.7; 软件著作权:2021SR0123456(已授权)`` → entries."""
    entries: list[IPEntry] = []
    for part in re.split(r"[;；\n]+", text(raw)):
        item = _nfkc(part).strip()
        if not item:
            continue
        status = ""
        if match := re.fullmatch(r"(.*?)\s*\(([^()]*)\)", item):
            item, status_text = match.group(1).strip(), match.group(2).strip()
            status = _IP_STATUSES.get(_compact(status_text), "")
            if not status:
                raise CellError(
                    _('"%(value)s" is not a legal status; write one of: %(choices)s')
                    % {
                        "value": status_text,
                        "choices": "、".join(IP_STATUS_CELLS.values()),
                    }
                )
        kind_text, _sep, number = item.partition(":")
        kind = _IP_KINDS.get(_compact(kind_text))
        if kind is None:
            raise CellError(
                _(
                    '"%(value)s" is not a type of IP right; write type:number with '
                    "a type among %(choices)s"
                )
                % {"value": kind_text, "choices": "、".join(IP_KIND_CELLS.values())}
            )
        number = number.strip()
        if len(number) > 40:
            raise CellError(
                _('"%(value)s" is longer than 40 characters') % {"value": number}
            )
        if any((e.kind, e.number) == (kind, number) for e in entries):
            continue
        entries.append(IPEntry(kind, number, status or default_ip_status(kind)))
    return entries


def format_ip_rights(entries: Iterable[IPEntry]) -> str:
    cells = []
    for entry in entries:
        cell = f"{IP_KIND_CELLS.get(entry.kind, entry.kind)}:{entry.number}"
        if entry.legal_status != default_ip_status(entry.kind):
            cell += f"({IP_STATUS_CELLS.get(entry.legal_status, entry.legal_status)})"
        cells.append(cell)
    return "; ".join(cells)


# ---------------------------------------------------------------- references


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation the import will create, unverified."""

    name: str
    kind: str


def guess_organisation_kind(name: str, listing_kind: str) -> str:
    """A first guess from the name; a moderator corrects it when verifying."""
    if re.search(r"研究院|研究所|研究中心|实验室|科学院", name):
        return OrganisationKind.INSTITUTE.value
    if re.search(r"大学|学院|学校", name):
        return OrganisationKind.UNIVERSITY.value
    if re.search(r"公司|集团|企业|厂", name):
        return OrganisationKind.ENTERPRISE.value
    return (
        OrganisationKind.INSTITUTE.value
        if listing_kind == "outcome"
        else OrganisationKind.ENTERPRISE.value
    )


def _suggest(value: str, candidates: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.5)


def _unknown(message: str, value: str, suggestions: list[str]) -> CellError:
    text_ = message % {"value": value}
    if suggestions:
        text_ += _("; did you mean %(names)s?") % {
            "names": "、".join(f'"{s}"' for s in suggestions)
        }
    return CellError(text_)


_REGION_SEPARATORS = re.compile(r"[\s/,，·>|\-]+")


class Reference:
    """Technology fields, regions, cooperation modes and organisations, looked up once."""

    def __init__(self) -> None:
        self._fields: list[TechField] | None = None
        self._regions: dict[int, Region] | None = None
        self._region_keys: dict[str, list[tuple[int, Region]]] = {}
        self._modes: list[CooperationMode] | None = None
        self._organisations: dict[str, Organisation | None] = {}
        self._organisation_names: list[str] | None = None

    # Technology fields

    def fields(self) -> list[TechField]:
        if self._fields is None:
            self._fields = list(TechField.objects.all())
        return self._fields

    def field(self, raw: Any) -> TechField | None:
        """A field or sub-field by code, Chinese or English name, or 电子信息/软件."""
        value = text(raw)
        if not value:
            return None
        fields = self.fields()
        candidates = [value, *re.split(r"\s*[/>＞|·]\s*", value)[-1:]]
        for candidate in candidates:
            folded = _nfkc(candidate).strip().casefold()
            for tech_field in fields:
                if folded in (
                    tech_field.code,
                    tech_field.name.casefold(),
                    tech_field.name_en.casefold(),
                ):
                    return tech_field
        raise _unknown(
            _('"%(value)s" is not a technology field'),
            value,
            _suggest(value, [f.name for f in fields]),
        )

    def field_cell(self, tech_field: TechField | None) -> str:
        if tech_field is None:
            return ""
        same_name = [f for f in self.fields() if f.name == tech_field.name]
        return tech_field.name if len(same_name) == 1 else tech_field.code

    # Regions

    def _region_index(self) -> dict[int, Region]:
        if self._regions is None:
            self._regions = {r.pk: r for r in Region.objects.all()}
            for region in self._regions.values():
                path = self.region_path(region)
                ancestors = path[:-1]
                for mask in range(1 << len(ancestors)):
                    kept = [a.name for i, a in enumerate(ancestors) if mask >> i & 1]
                    key = _nfkc("".join([*kept, region.name]))
                    skipped = len(ancestors) - len(kept)
                    self._region_keys.setdefault(key, []).append((skipped, region))
        return self._regions

    def region_path(self, region: Region) -> list[Region]:
        regions = self._region_index()
        path = [region]
        while path[0].parent_id is not None and path[0].parent_id in regions:
            path.insert(0, regions[path[0].parent_id])
        return path

    def region(self, raw: Any) -> Region | None:
        """A region by GB/T 2260 code, or names: 江苏省 苏州市 吴中区, 苏州市吴中区."""
        value = text(raw)
        if not value:
            return None
        regions = self._region_index()
        if re.fullmatch(r"\d{6}", value):
            for region in regions.values():
                if region.code == value:
                    return region
            raise CellError(
                _('"%(value)s" is not a GB/T 2260 region code') % {"value": value}
            )
        matches = self._region_keys.get(_REGION_SEPARATORS.sub("", _nfkc(value)), [])
        if matches:
            best = min(skipped for skipped, _region in matches)
            found = {r.pk: r for skipped, r in matches if skipped == best}
            if len(found) == 1:
                return next(iter(found.values()))
            raise CellError(
                _('"%(value)s" matches several regions: %(names)s; give the full name')
                % {
                    "value": value,
                    "names": "、".join(
                        " ".join(p.name for p in self.region_path(r))
                        for r in found.values()
                    ),
                }
            )
        raise _unknown(
            _('"%(value)s" is not a known region'),
            value,
            self._region_suggestions(value),
        )

    def _region_suggestions(self, value: str) -> list[str]:
        candidates: dict[str, str] = {}
        for region in self._region_index().values():
            path = self.region_path(region)
            display = " ".join(p.name for p in path)
            candidates.setdefault(_nfkc(region.name), display)
            candidates.setdefault(_nfkc("".join(p.name for p in path)), display)
        compact = _REGION_SEPARATORS.sub("", _nfkc(value))
        found: list[str] = []
        for key in difflib.get_close_matches(
            compact, list(candidates), n=6, cutoff=0.5
        ):
            if candidates[key] not in found:
                found.append(candidates[key])
        return found[:3]

    def region_cell(self, region: Region | None) -> str:
        """Full names, province first; municipalities' repeated city name kept only
        where it is needed to tell the city from the province (北京市 北京市)."""
        if region is None:
            return ""
        path = self.region_path(region)
        names: list[str] = []
        for node in path:
            if not names or names[-1] != node.name:
                names.append(node.name)
        short = " ".join(names)
        try:
            if self.region(short) == region:
                return short
        except CellError:
            pass
        return " ".join(node.name for node in path)

    # Cooperation modes

    def all_modes(self) -> list[CooperationMode]:
        if self._modes is None:
            self._modes = list(CooperationMode.objects.order_by("sort_order", "code"))
        return self._modes

    def modes(self, raw: Any) -> list[CooperationMode]:
        """Cooperation modes by Chinese or English name or code, several per cell."""
        found: list[CooperationMode] = []
        for part in re.split(r"[，,、;；/|\n]+", text(raw)):
            folded = _nfkc(part).strip().casefold()
            if not folded:
                continue
            mode = next(
                (
                    m
                    for m in self.all_modes()
                    if folded in (m.code, m.name.casefold(), m.name_en.casefold())
                ),
                None,
            )
            if mode is None:
                raise CellError(
                    _(
                        '"%(value)s" is not a cooperation mode; write one of: %(choices)s'
                    )
                    % {
                        "value": part.strip(),
                        "choices": "、".join(m.name for m in self.all_modes()),
                    }
                )
            if mode not in found:
                found.append(mode)
        return found

    def modes_cell(self, modes: Iterable[CooperationMode]) -> str:
        order = {m.pk: i for i, m in enumerate(self.all_modes())}
        chosen = sorted(modes, key=lambda m: order.get(m.pk, len(order)))
        names = [m.name for m in self.all_modes()]
        return "、".join(m.name if names.count(m.name) == 1 else m.code for m in chosen)

    # Organisations

    def organisation(
        self, raw: Any, *, create: bool, listing_kind: str
    ) -> Organisation | NewOrganisation | None:
        """An organisation by exact name or credit code; new (unverified) if allowed."""
        value = text(raw)
        if not value:
            return None
        if value not in self._organisations:
            self._organisations[value] = self._find_organisation(value)
        organisation = self._organisations[value]
        if organisation is not None:
            return organisation
        looks_like_code = bool(re.fullmatch(r"[0-9A-Za-z]{18}", value))
        if create and not looks_like_code:
            if len(value) > 200:
                raise CellError(
                    _('"%(value)s" is longer than 200 characters')
                    % {"value": value[:80]}
                )
            return NewOrganisation(value, guess_organisation_kind(value, listing_kind))
        if looks_like_code:
            raise CellError(
                _(
                    'No organisation has the unified social credit code "%(value)s"; '
                    "write its name instead"
                )
                % {"value": value}
            )
        raise _unknown(
            _('"%(value)s" is not a known organisation'),
            value,
            _suggest(value, self._all_organisation_names()),
        )

    def _all_organisation_names(self) -> list[str]:
        if self._organisation_names is None:
            self._organisation_names = list(
                Organisation.objects.values_list("name", flat=True)
            )
        return self._organisation_names

    def _find_organisation(self, value: str) -> Organisation | None:
        exact = (
            Organisation.objects.filter(name=value).first()
            or Organisation.objects.filter(credit_code=value.upper())
            .exclude(credit_code="")
            .first()
        )
        if exact is not None:
            return exact
        # Full-width and half-width brackets are the usual mismatch: 某某（苏州）有限公司.
        loose = _compact(value)
        names = [n for n in self._all_organisation_names() if _compact(n) == loose]
        if len(names) == 1:
            return Organisation.objects.get(name=names[0])
        return None

    @staticmethod
    def organisation_cell(organisation: Organisation | NewOrganisation | None) -> str:
        return "" if organisation is None else organisation.name
