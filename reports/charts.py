"""Bar charts drawn on the server as SVG: no script, no CDN, nothing inline to allow.

Horizontal bars (one group per row, one bar per series) read well on a phone: the
labels stay horizontal whatever the number of rows. Colours come from classes in
``reports/reports.css`` (the Content-Security-Policy forbids ``style`` attributes).
The SVG is decoration for sighted readers (``aria-hidden``); the figure's table is the
text alternative.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
LABEL_WIDTH = 104
VALUE_WIDTH = 56
BAR_HEIGHT = 12
BAR_GAP = 2
GROUP_GAP = 10
LEGEND_HEIGHT = 22


def _number(value: Any) -> float:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return 0.0


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def bar_chart(
    rows: list[dict[str, Any]],
    label_key: str,
    series: list[tuple[str, str]],
) -> SafeString:
    """An SVG of ``rows`` as grouped horizontal bars, one per (key, name) in ``series``."""
    if not rows:
        return mark_safe("")
    largest = max(
        (_number(row.get(key)) for row in rows for key, _name in series), default=0.0
    )
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest if largest > 0 else 0.0
    group = len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    parts: list[str] = []
    legend = 0
    if len(series) > 1:
        # Legend entries side by side, wrapped onto further lines when too wide.
        x = 0
        for index, (_key, name) in enumerate(series):
            entry = 14 + _text_width(name) + 16
            if x and x + entry > WIDTH:
                x, legend = 0, legend + LEGEND_HEIGHT
            parts.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="10" height="10"/>'
                    '<text x="{}" y="{}">{}</text>',
                    index,
                    x,
                    legend + 4,
                    x + 14,
                    legend + 13,
                    name,
                )
            )
            x += entry
        legend += LEGEND_HEIGHT
    height = legend + len(rows) * group
    for position, row in enumerate(rows):
        top = legend + position * group
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 6,
                top + (group - GROUP_GAP) / 2 + 4,
                _shorten(str(row.get(label_key, ""))),
            )
        )
        for index, (key, _name) in enumerate(series):
            y = top + index * (BAR_HEIGHT + BAR_GAP)
            value = row.get(key)
            width = round(_number(value) * scale, 1)
            parts.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}"/>'
                    '<text class="chart-value" x="{}" y="{}">{}</text>',
                    index,
                    LABEL_WIDTH,
                    y,
                    width,
                    BAR_HEIGHT,
                    LABEL_WIDTH + width + 4,
                    y + BAR_HEIGHT - 2,
                    _shown(value),
                )
            )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="presentation" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        height,
        mark_safe("".join(parts)),  # noqa: S308 - each part made by format_html
    )


def _text_width(text: str) -> int:
    """Roughly how wide ``text`` is drawn at 12px: CJK characters full, others half."""
    return sum(12 if ord(char) > 0x2E80 else 7 for char in text)


def _shorten(text: str, limit: int = 8) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
