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
import itertools
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


_SENTENCE_END = re.compile(r"[。！？；!?;]|\.(?=\s)")


def cut_summary(value: str, limit: int) -> str:
    """``value`` shortened to at most ``limit`` characters, at the last sentence end
    in the second half of that room, else cut with an ellipsis."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    room = value[:limit]
    ends = [match.end() for match in _SENTENCE_END.finditer(room)]
    if ends and ends[-1] >= limit // 2:
        return room[: ends[-1]].rstrip()
    return room[: limit - 1].rstrip() + "…"


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


# The unit a cell may name; the column is in 万元 (10,000 CNY).
_UNITS = (
    ("亿元", Decimal(10000)),
    ("亿", Decimal(10000)),
    ("万元", Decimal(1)),
    ("万", Decimal(1)),
    ("元", Decimal("0.0001")),
)


def decimal(raw: Any) -> Decimal:
    """An amount in 10,000 CNY: ≥ 0, at most two decimals; 万元, 亿, 元 and commas allowed."""
    original = _quoted(raw)
    factor = Decimal(1)
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        candidate = str(raw)
    else:
        candidate = _nfkc(text(raw)).replace(",", "").replace(" ", "")
        for unit, unit_factor in _UNITS:
            if candidate.endswith(unit):
                candidate, factor = candidate.removesuffix(unit), unit_factor
                break
    try:
        amount = Decimal(candidate)
    except InvalidOperation:
        raise CellError(
            _('"%(value)s" is not a number') % {"value": original}
        ) from None
    if not amount.is_finite():
        raise CellError(_('"%(value)s" is not a number') % {"value": original})
    amount *= factor
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


_RANGE = re.compile(r"(.+?)(?:-|~|—|–|至|到)(.+)")
_AT_MOST = re.compile(r"(?:≤|<=|<|不超过|不高于|最高)(.+)|(.+?)(?:以内|以下|及以下)")
_AT_LEAST = re.compile(r"(?:≥|>=|>|不低于|不少于|最低)(.+)|(.+?)(?:以上|及以上)")


def _range_ends(value: str) -> tuple[Decimal, Decimal] | None:
    """``10-50万``, ``10万-50万``, ``10～50万元`` → (10, 50); None when no range."""
    match = _RANGE.fullmatch(value)
    if match is None:
        return None
    low_text, high_text = match.group(1), match.group(2)
    # 10-50万: the unit written once, after the upper end, applies to both ends.
    for unit, _factor in _UNITS:
        if high_text.endswith(unit) and not re.search(r"[万亿元]$", low_text):
            low_text += unit
            break
    return decimal(low_text), decimal(high_text)


def price(raw: Any) -> tuple[Decimal | None, Decimal | None, bool]:
    """(price or lower end, upper end of a range, negotiable) in 10,000 CNY.

    ``300``, ``10-50万``, ``面议``, ``300（可面议）``; a range with equal ends is a
    single price.
    """
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return decimal(raw), None, False
    value = text(raw)
    if not value:
        return None, None, False
    rest, negotiable = _split_negotiable(value)
    compact = re.sub(r"\s+", "", rest)
    if not compact:
        return None, None, negotiable
    if _AT_MOST.fullmatch(compact) or _AT_LEAST.fullmatch(compact):
        raise CellError(
            _('"%(value)s" is open-ended; write a price (300), a range (10-50) or 面议')
            % {"value": _quoted(raw)}
        )
    try:
        ends = _range_ends(compact)
    except CellError:
        ends = None
        low = None
    if ends is not None:
        low, high = ends
        if low > high:
            raise CellError(
                _('"%(value)s": the lower bound is above the upper bound')
                % {"value": _quoted(raw)}
            )
        return low, (high if high != low else None), negotiable
    return decimal(compact), None, negotiable


def format_price(value: tuple[Decimal | None, Decimal | None, bool]) -> str:
    low, high, negotiable = value
    if low is None:
        return NEGOTIABLE if negotiable else ""
    amount = _number_text(low)
    if high is not None and high != low:
        amount += f"-{_number_text(high)}"
    return amount + ("（可面议）" if negotiable else "")


def budget(raw: Any) -> tuple[Decimal | None, Decimal | None, bool]:
    """(from, up to, negotiable): 50-200, ≤100, ≥50, 100 (exactly), 面议."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        amount = decimal(raw)
        return amount, amount, False
    value = text(raw)
    if not value:
        return None, None, False
    rest, negotiable = _split_negotiable(value)
    compact = re.sub(r"\s+", "", rest)
    if not compact:
        return None, None, negotiable
    low: Decimal | None
    high: Decimal | None
    try:
        if match := _AT_MOST.fullmatch(compact):
            low, high = None, decimal(match.group(1) or match.group(2))
        elif match := _AT_LEAST.fullmatch(compact):
            low, high = decimal(match.group(1) or match.group(2)), None
        elif ends := _range_ends(compact):
            low, high = ends
        else:
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
STAGE_CELLS = {stage: name for name, stage in list(STAGE_NAMES.items())[:5]}

# What Chinese technology markets write in 成熟度 (the labels of the national technology
# transfer platforms' forms) → (stage, level). A state *within* a stage means its lowest
# level, as the stage names do; a stage *passed* (通过小试, 完成中试) its highest. Listed
# in docs/import-format.md ("Synonym tables"); compared without spaces, 阶段 removed.
MATURITY_SYNONYMS: dict[str, int] = {
    # 实验室 (TRL 1–3)
    "正在研发": 1,
    "研发中": 1,
    "在研": 1,
    "研究": 1,
    "理论研究": 1,
    "基础研究": 1,
    "概念": 2,
    "实验室研究": 1,
    "实验室验证": 3,
    "原理样机": 3,
    # 小试 (TRL 4–5)
    "已有样品": 4,
    "有样品": 4,
    "样品": 4,
    "已有样机": 4,
    "样机": 4,
    "实验室样品": 4,
    "小试中": 4,
    "通过小试": 5,
    "完成小试": 5,
    "已完成小试": 5,
    "小试完成": 5,
    # 中试 (TRL 6)
    "中试中": 6,
    "通过中试": 6,
    "完成中试": 6,
    "已完成中试": 6,
    "中试完成": 6,
    # 试生产 (TRL 7–8)
    "试产": 7,
    "小批量生产": 7,
    "小批量试产": 7,
    "小批量": 7,
    "通过试生产": 8,
    "完成试生产": 8,
    # 量产 (TRL 9)
    "可以量产": 9,
    "可量产": 9,
    "已量产": 9,
    "批量生产": 9,
    "规模化生产": 9,
    "大批量生产": 9,
    "产业化": 9,
    "已产业化": 9,
    "成熟应用": 9,
    "已应用": 9,
}


def maturity(raw: Any) -> int | None:
    """A readiness level: 1–9, TRL 6, 6级, a stage name (its lowest level) or a
    label of MATURITY_SYNONYMS (已有样品, 通过中试, 可以量产 …)."""
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
    if compact in MATURITY_SYNONYMS:
        return MATURITY_SYNONYMS[compact]
    raise CellError(
        _(
            '"%(value)s" is not a readiness level: write 1 to 9, TRL 6, a stage '
            "(实验室, 小试, 中试, 试生产, 量产) or a label such as 已有样品, 通过中试, "
            "可以量产"
        )
        % {"value": _quoted(raw)}
    )


def describe_maturity(value: int | None) -> str:
    """``6（中试）``: the level with its stage, for the normalisation report."""
    if value is None:
        return ""
    from market.models import maturity_stage

    stage = maturity_stage(value)
    return f"{value}（{STAGE_CELLS.get(stage or '', '')}）"


def format_maturity(value: int | None) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- dates

_DASHED = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?")


# "No deadline": read as an empty cell, so an import's default validity can fill it.
OPEN_ENDED_DATES = frozenset(
    {"长期", "长期有效", "不限", "无", "无限期", "常年", "常年有效"}
)


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
    if not value or _compact(value) in OPEN_ENDED_DATES:
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

# Between a field and its sub-field: 新材料/金属材料, 新材料-金属材料, 新材料—金属材料,
# 新材料 > 金属材料, 新材料｜金属材料, 新材料\\金属材料 (no sub-field name holds one).
FIELD_PATH_SEPARATORS = re.compile(r"\s*[/／>＞|｜·\\＼\-－—–→]+\s*")

# Older and shorter names of the eight fields (the 2008 list, everyday short forms),
# compared without spaces → code. Listed in docs/import-format.md.
FIELD_SYNONYMS: dict[str, str] = {
    "电子信息技术": "01",
    "信息技术": "01",
    "生物与新医药技术": "02",
    "生物医药": "02",
    "生物医药技术": "02",
    "航空航天技术": "03",
    "新材料技术": "04",
    "高技术服务业": "05",
    "新能源及节能技术": "06",
    "新能源与节能技术": "06",
    "新能源": "06",
    "资源与环境技术": "07",
    "资源环境": "07",
    "环境保护": "07",
    "高新技术改造传统产业": "08",
    "先进制造": "08",
    "先进制造技术": "08",
    "智能制造": "08",
    "中药": "0202",
    "天然药物": "0202",
    "医疗器械": "0205",
    "新能源汽车": "0807",
}

# What catalogues write in 合作方式 → mode code. Compared without spaces, lower case.
MODE_SYNONYMS: dict[str, str] = {
    "技术转让": "transfer",
    "专利转让": "transfer",
    "专利权转让": "transfer",
    "成果转让": "transfer",
    "整体转让": "transfer",
    "一次性转让": "transfer",
    "买断": "transfer",
    "assignment": "transfer",
    "技术许可": "license",
    "专利许可": "license",
    "许可使用": "license",
    "实施许可": "license",
    "独占许可": "license",
    "排他许可": "license",
    "普通许可": "license",
    "licence": "license",
    "licensing": "license",
    "联合实施": "joint",
    "共同实施": "joint",
    "合作转化": "joint",
    "技术入股": "equity",
    "作价入股": "equity",
    "技术作价入股": "equity",
    "技术作价投资": "equity",
    "入股": "equity",
    "股权合作": "equity",
    "委托开发": "development",
    "合作开发": "development",
    "联合开发": "development",
    "共同开发": "development",
    "联合研发": "development",
    "合作研发": "development",
    "委托研发": "development",
    "定制开发": "development",
    "技术咨询": "service",
    "咨询服务": "service",
    "技术支持": "service",
    "技术培训": "service",
}
# Written where no mode was chosen yet: read as no mode.
NO_MODE = frozenset({"面议", "其他", "其它", "待定", "不限", "均可", "无"})


_REGION_SUFFIX = re.compile(
    r"(?:(?:壮族|回族|维吾尔|蒙古族|藏族|朝鲜族|土家族苗族|苗族侗族|彝族|傣族)?自治[区州县]"
    r"|特别行政区|省|市|地区|盟|区|县)$"
)


def _region_names(name: str) -> tuple[str, ...]:
    """A region's name and its short form (江苏省 → 江苏, 吴中区 → 吴中)."""
    short = _REGION_SUFFIX.sub("", name)
    return (name, short) if len(short) >= 2 and short != name else (name,)


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

    def _field_named(self, name: str) -> TechField | None:
        folded = _nfkc(name).strip().casefold()
        if not folded:
            return None
        fields = self.fields()
        for tech_field in fields:
            if folded in (
                tech_field.code,
                tech_field.name.casefold(),
                tech_field.name_en.casefold(),
            ):
                return tech_field
        compact = _compact(name)
        if compact in FIELD_SYNONYMS:
            code = FIELD_SYNONYMS[compact]
            return next((f for f in fields if f.code == code), None)
        # 新材料领域, 软件技术, 通信 (for 通信技术): a suffix more or less.
        stripped = re.sub(r"(技术|领域|产业|行业|类)$", "", compact)
        for tech_field in fields:
            name_ = _compact(tech_field.name)
            if stripped and stripped in (name_, re.sub(r"技术$", "", name_)):
                return tech_field
        return None

    def field(self, raw: Any) -> TechField | None:
        """A field or sub-field by code, Chinese or English name, an older or shorter
        name (FIELD_SYNONYMS), or a path: 新材料/金属材料, 新材料-金属材料, 新材料 > 金属材料."""
        value = text(raw)
        if not value:
            return None
        found = self._field_named(value)
        if found is not None:
            return found
        parts = [p for p in FIELD_PATH_SEPARATORS.split(value) if p.strip()]
        if len(parts) > 1:
            child = self._field_named(parts[-1])
            parent = self._field_named(parts[-2])
            if child is not None:
                if parent is not None and parent.pk not in (
                    child.pk,
                    child.parent_id,
                ):
                    raise CellError(
                        _('"%(child)s" is not a sub-field of "%(parent)s"')
                        % {"child": child.name, "parent": parent.name}
                    )
                return child
        raise _unknown(
            _('"%(value)s" is not a technology field'),
            value,
            _suggest(parts[-1] if parts else value, [f.name for f in self.fields()]),
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
                    kept = [a for i, a in enumerate(ancestors) if mask >> i & 1]
                    skipped = len(ancestors) - len(kept)
                    # 江苏省苏州市 and 江苏苏州: each name with or without 省/市/区/县.
                    for names in itertools.product(
                        *(_region_names(node.name) for node in [*kept, region])
                    ):
                        entries = self._region_keys.setdefault(
                            _nfkc("".join(names)), []
                        )
                        if (skipped, region) not in entries:
                            entries.append((skipped, region))
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
        """Cooperation modes by Chinese or English name, code or a synonym of
        MODE_SYNONYMS (技术转让, 委托开发, 技术入股 …), several per cell."""
        found: list[CooperationMode] = []
        for part in re.split(r"[，,、;；/|\n]+", text(raw)):
            folded = _nfkc(part).strip().casefold()
            if not folded or _compact(folded) in NO_MODE:
                continue
            mode = next(
                (
                    m
                    for m in self.all_modes()
                    if folded in (m.code, m.name.casefold(), m.name_en.casefold())
                ),
                None,
            )
            if mode is None and (code := MODE_SYNONYMS.get(_compact(folded))):
                mode = next((m for m in self.all_modes() if m.code == code), None)
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
