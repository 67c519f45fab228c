"""The one place where environment variables are read and validated.

Every reader names the variable in its error, so a misconfigured deployment fails at
start with a message an operator can act on instead of a traceback deep in Django.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: object) -> str | object:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfigured(
                f"Environment variable {name} is required but not set."
            )
        return default
    return value.strip()


def env_str(name: str, default: object = _MISSING) -> str:
    """A string; required unless a default is given."""
    return _raw(name, default)  # type: ignore[return-value]


def env_bool(name: str, default: bool | object = _MISSING) -> bool:
    """A boolean spelled 1/0, true/false, yes/no or on/off."""
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = str(value).lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean "
        "(use true/false, 1/0, yes/no or on/off)."
    )


def env_int(name: str, default: int | object = _MISSING, *, minimum: int = 0) -> int:
    """A whole number not below ``minimum``."""
    value = _raw(name, default)
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a whole number."
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(
            f"Environment variable {name}={number} must be at least {minimum}."
        )
    return number


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [item.strip() for item in str(value).split(",") if item.strip()]


def env_region_codes(name: str, default: list[str] | object = _MISSING) -> list[str]:
    """A comma-separated list of GB/T 2260 region codes (six ASCII digits each)."""
    codes = env_list(name, default)
    for code in codes:
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ImproperlyConfigured(
                f"Environment variable {name}: {code!r} is not a six-digit region code"
            )
    return codes


def env_choice(
    name: str, choices: tuple[str, ...], default: str | object = _MISSING
) -> str:
    """One of a fixed set of words."""
    value = str(_raw(name, default))
    if value not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not one of: {', '.join(choices)}."
        )
    return value


def _checked_url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"Environment variable {name} has scheme {parts.scheme!r}; "
            f"expected one of: {', '.join(schemes)}."
        )
    if not parts.hostname and parts.scheme not in ("sqlite",):
        raise ImproperlyConfigured(f"Environment variable {name} names no host.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name} has a malformed port."
        ) from None
    return value


_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds from ``90``, ``90s``, ``15m``, ``1h`` or ``2d``; ValueError otherwise."""
    text = text.strip().lower()
    unit = _DURATION_UNITS.get(text[-1:], 0)
    number = text[:-1] if unit else text
    if not number.isascii() or not number.isdigit() or len(number) > 9:
        raise ValueError(text)
    return int(number) * (unit or 1)


def env_duration(name: str, default: int | object = _MISSING) -> int:
    """A positive duration in seconds, written ``90``, ``90s``, ``15m``, ``1h`` or ``2d``."""
    value = _raw(name, default)
    if isinstance(value, int):
        return value
    try:
        seconds = parse_duration(str(value))
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a duration "
            "(e.g. 90s, 15m, 1h, 2d)."
        )
    return seconds


def env_rate(
    name: str, default: tuple[int, int] | object = _MISSING
) -> tuple[int, int]:
    """A rate limit ``COUNT/DURATION`` (e.g. ``10/15m``) as (count, seconds)."""
    value = _raw(name, default)
    if isinstance(value, tuple):
        return value
    count, _slash, period = str(value).partition("/")
    try:
        if not count.strip().isascii() or not count.strip().isdigit():
            raise ValueError(count)
        rate = (int(count), parse_duration(period))
    except ValueError:
        rate = (0, 0)
    if rate[0] < 1 or rate[1] < 1:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a rate "
            "(COUNT/DURATION with COUNT >= 1, e.g. 10/15m, 100/1h)."
        )
    return rate


def env_url(
    name: str, schemes: tuple[str, ...], default: str | object = _MISSING
) -> str:
    """A URL whose scheme is one of ``schemes`` and which names a host."""
    return _checked_url(name, str(_raw(name, default)), schemes)


def env_urls(
    name: str, schemes: tuple[str, ...], default: str | object = _MISSING
) -> list[str]:
    """One or more comma-separated URLs, each checked like :func:`env_url`."""
    urls = [item.strip() for item in str(_raw(name, default)).split(",")]
    if not all(urls):
        raise ImproperlyConfigured(f"Environment variable {name} has an empty URL.")
    return [_checked_url(f"{name} ({url!r})", url, schemes) for url in urls]


def database_from_url(name: str, default: str | object = _MISSING) -> dict[str, object]:
    """A Django DATABASES entry from a postgres:// or sqlite:// URL."""
    import dj_database_url

    url = env_url(name, ("postgres", "postgresql", "pgsql", "sqlite"), default)
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return dict(config)


def redis_url_with_db(url: str, db: int) -> str:
    """The same Redis server with its database number replaced by ``db``."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()
