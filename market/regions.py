"""GB/T 2260 region codes: the one place that knows their six-digit layout.

A code is ``PPCCDD``: province ``PP0000``, city ``PPCC00``, district ``PPCCDD``. A
division lies inside another when its code starts with the other's *prefix* (the
digits before the trailing zero pairs). Every filter, facet, search document and
label that walks the hierarchy asks here instead of slicing codes itself.
"""

from __future__ import annotations

import re

# ASCII digits only: \d alone also matches "²" and "٣".
_CODE = re.compile(r"^\d{6}$", re.ASCII)

PROVINCE, CITY, DISTRICT = 1, 2, 3


def is_region_code(value: str) -> bool:
    """Whether ``value`` has the shape of a region code (six ASCII digits)."""
    return bool(_CODE.match(value))


def province_of(code: str) -> str:
    """The code of the province ``code`` lies in ("320106" → "320000")."""
    return code[:2] + "0000"


def city_of(code: str) -> str:
    """The code of the city level above or at ``code`` ("320106" → "320100")."""
    return code[:4] + "00"


def level_of(code: str) -> int:
    """PROVINCE, CITY or DISTRICT, read from the trailing zero pairs."""
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return DISTRICT


def prefix(code: str) -> str:
    """The digits every division inside ``code`` shares ("320000" → "32")."""
    return {PROVINCE: code[:2], CITY: code[:4]}.get(level_of(code), code)


def chain(code: str | None) -> list[str]:
    """``code`` and the divisions above it, province first ("320106" → 3 codes)."""
    if not code:
        return []
    codes = [province_of(code)]
    if code[2:4] != "00":
        codes.append(city_of(code))
    if code[4:] != "00":
        codes.append(code)
    return codes


def is_within(code: str, area: str) -> bool:
    """Whether division ``code`` is ``area`` or lies inside it."""
    return code.startswith(prefix(area))
