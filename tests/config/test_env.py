"""config.env readers of rate limits and durations: good values and named errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_duration, env_rate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10/15m", (10, 900)),
        ("100/1h", (100, 3600)),
        (" 3/90 ", (3, 90)),
        ("5/2d", (5, 172800)),
    ],
)
def test_env_rate_reads_count_per_duration(monkeypatch, value, expected):
    monkeypatch.setenv("THROTTLE_X", value)
    assert env_rate("THROTTLE_X", (1, 1)) == expected


def test_env_rate_default_when_unset(monkeypatch):
    monkeypatch.delenv("THROTTLE_X", raising=False)
    assert env_rate("THROTTLE_X", (7, 60)) == (7, 60)


@pytest.mark.parametrize(
    "value", ["ten", "0/15m", "5/0m", "5/1w", "5", "5/", "²/1h", "-1/1h"]
)
def test_env_rate_refuses_a_malformed_value_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("THROTTLE_X", value)
    with pytest.raises(ImproperlyConfigured, match=r"THROTTLE_X=.* is not a rate"):
        env_rate("THROTTLE_X", (1, 1))


@pytest.mark.parametrize(
    ("value", "expected"), [("90", 90), ("30m", 1800), ("24h", 86400)]
)
def test_env_duration_reads_seconds(monkeypatch, value, expected):
    monkeypatch.setenv("WINDOW_X", value)
    assert env_duration("WINDOW_X", 1) == expected


@pytest.mark.parametrize("value", ["soon", "0", "1w", "h", "9" * 12])
def test_env_duration_refuses_a_malformed_value_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("WINDOW_X", value)
    with pytest.raises(ImproperlyConfigured, match=r"WINDOW_X=.* is not a duration"):
        env_duration("WINDOW_X", 1)
