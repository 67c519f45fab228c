"""The server-drawn SVG: names escaped, no style attribute (CSP), bars to scale."""

from __future__ import annotations

import re
from decimal import Decimal

from reports.charts import bar_chart


def test_bar_chart_escapes_names_and_uses_no_style_attribute():
    svg = bar_chart(
        [{"name": "<i>x</i>", "a": 3}, {"name": "B&B", "a": None}],
        "name",
        [("a", "<b>legend</b>"), ("b", "B")],
    )
    assert "<i>" not in svg and "&lt;i&gt;x&lt;/i&gt;" in svg
    assert "<b>" not in svg and "&lt;b&gt;legend" in svg
    assert "B&amp;B" in svg
    assert "style=" not in svg
    assert 'aria-hidden="true"' in svg


def test_bar_chart_bars_scale_with_the_values():
    svg = bar_chart(
        [{"m": "1", "a": 10, "b": Decimal("5")}, {"m": "2", "a": 0, "b": 2.5}],
        "m",
        [("a", "A"), ("b", "B")],
    )
    bars = [
        float(width)
        for width in re.findall(
            r'<rect class="series-\d" x="104" y="[\d.]+" width="([\d.]+)"', svg
        )
    ]
    # The largest value (10) spans the bar area (240); the others in proportion.
    assert bars == [240.0, 120.0, 0.0, 60.0]


def test_bar_chart_of_nothing_is_empty():
    assert bar_chart([], "m", [("a", "A")]) == ""
