"""Integer query parameters (page, per_page, trl…): the one parser every view uses.

``str.isdigit()`` accepts "²" and "٣", which ``int()`` then refuses, and ``int()``
refuses text of more than 4,300 digits: both used to end in a 500. Here only ASCII
digits make a number, and a number with more digits than the maximum is out of
range without ever being converted. Malformed values fall back to the default.
"""

from __future__ import annotations

import re
from typing import Any, overload

# The highest page number any paginated view is asked for; beyond it a visitor gets
# the last page (catalogues) or an empty page past the end (search).
MAX_PAGE = 1_000_000

# [0-9], not \d: \d also matches "²", "٣" and other Unicode digits.
_DIGITS = re.compile(r"[0-9]+")


@overload
def parse_int(
    value: Any, *, minimum: int, maximum: int, default: int, clamp: bool = ...
) -> int: ...


@overload
def parse_int(
    value: Any, *, minimum: int, maximum: int, default: None, clamp: bool = ...
) -> int | None: ...


def parse_int(
    value: Any,
    *,
    minimum: int,
    maximum: int,
    default: int | None,
    clamp: bool = False,
) -> int | None:
    """``value`` as an integer in ``minimum``–``maximum``, else ``default``.

    Accepts an int or text of ASCII digits (surrounding spaces ignored); anything
    else — signs, decimals, Unicode digits, lists, None — gives ``default``. A number
    below ``minimum`` gives ``default``; one above ``maximum`` gives ``maximum`` when
    ``clamp`` is set, else ``default``.
    """
    if not 0 <= minimum <= maximum:
        raise ValueError("parse_int needs 0 <= minimum <= maximum")
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _DIGITS.fullmatch(text):
            return default
        text = text.lstrip("0") or "0"
        if len(text) > len(str(maximum)):
            return maximum if clamp else default
        number = int(text)
    else:
        return default
    if number < minimum:
        return default
    if number > maximum:
        return maximum if clamp else default
    return number


def parse_page(value: Any) -> int:
    """A page number: 1 when missing or malformed, at most ``MAX_PAGE``."""
    return parse_int(value, minimum=1, maximum=MAX_PAGE, default=1, clamp=True)
