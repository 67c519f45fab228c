"""Query parameters read strictly: the catalogue's vocabulary (``market.filters``),
but a value it would silently drop is a 400 naming the parameter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from market.filters import (
    BOUNTY_BANDS,
    CHALLENGE_STATUS_GROUPS,
    NEGOTIABLE,
    PRICE_BANDS,
    CatalogueFilters,
    ChallengeFilters,
)
from market.models import STAGE_LEVELS

FIELD_PATTERN = r"^\d{2}(\d{2})?$"
REGION_PATTERN = r"^\d{6}$"
MODE_PATTERN = r"^[-a-z0-9_]{1,30}$"
MAX_TEXT = 100


def _given(params: Mapping[str, Any], name: str) -> str | None:
    """The parameter's value when given and not empty; several values are refused."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [v for v in values if v not in (None, "")]
    if len(values) > 1:
        raise ValidationError({name: [_("Give this parameter once.")]})
    return values[0] if values else None


def check_parsed(
    params: Mapping[str, Any], parsed: Mapping[str, Any], names: Iterable[str]
) -> None:
    """Refuse every given parameter the lenient parser dropped (400, per field)."""
    errors: dict[str, list[str]] = {}
    for name in names:
        try:
            value = _given(params, name)
        except ValidationError as error:
            errors.update(error.detail)  # type: ignore[arg-type]
            continue
        if value is not None and parsed.get(name) in ("", None):
            errors[name] = [_("“%(value)s” is not a valid value.") % {"value": value}]
    if errors:
        raise ValidationError(errors)


def choice(params: Mapping[str, Any], name: str, allowed: Iterable[str]) -> str | None:
    """A parameter that must be one of ``allowed`` when given."""
    value = _given(params, name)
    if value is not None and value not in set(allowed):
        raise ValidationError(
            {name: [_("“%(value)s” is not a valid value.") % {"value": value}]}
        )
    return value


def catalogue_filters(params: Mapping[str, Any]) -> CatalogueFilters:
    """The catalogue's filters; malformed ones refused."""
    parsed = CatalogueFilters.parse(params)
    check_parsed(params, parsed, CatalogueFilters.names())
    return CatalogueFilters(**parsed)


def challenge_filters(params: Mapping[str, Any]) -> ChallengeFilters:
    """The challenge board's filters; malformed ones refused."""
    filters = ChallengeFilters.from_params(params)
    parsed = {
        name: getattr(filters, name)
        for name in ("field", "region", "bounty", "status", "campaign")
    }
    check_parsed(params, parsed, parsed)
    q = _given(params, "q")
    if q is not None and ("\x00" in q or len(q) > MAX_TEXT):
        raise ValidationError(
            {"q": [_("At most %(max)s characters.") % {"max": MAX_TEXT}]}
        )
    return filters


def _param(name: str, description: str, **schema: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "string", **schema},
        OpenApiParameter.QUERY,
        description=description,
    )


CATALOGUE_PARAMETERS = [
    _param("field", "technology field code (2 or 4 digits)", pattern=FIELD_PATTERN),
    _param("region", "GB/T 2260 region code", pattern=REGION_PATTERN),
    _param("stage", "maturity stage", enum=sorted(STAGE_LEVELS)),
    OpenApiParameter(
        "trl",
        {"type": "integer", "minimum": 1, "maximum": 9},
        OpenApiParameter.QUERY,
        description="readiness level",
    ),
    _param("mode", "cooperation mode code", pattern=MODE_PATTERN),
    _param("price", "price band", enum=[*PRICE_BANDS, NEGOTIABLE]),
]

CHALLENGE_PARAMETERS = [
    _param("field", "technology field code", pattern=FIELD_PATTERN),
    _param("region", "GB/T 2260 region code", pattern=REGION_PATTERN),
    _param("bounty", "bounty band", enum=list(BOUNTY_BANDS)),
    _param("status", "status group", enum=list(CHALLENGE_STATUS_GROUPS)),
    OpenApiParameter(
        "campaign",
        {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
        OpenApiParameter.QUERY,
    ),
    _param("q", "words in the title, background or objectives", maxLength=MAX_TEXT),
]
