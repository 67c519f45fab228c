"""``page`` and ``size`` pagination with a maximum; malformed values are a 400."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_SIZE = 20
MAX_SIZE = 100
MAX_PAGE = 10_000


def _number(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ValidationError(
            {name: [_("A whole number from 1 to %(max)s.") % {"max": maximum}]}
        )
    return int(raw)


class PageSizePagination(BasePagination):
    """``?page=2&size=50``: pages of ``size`` (default 20, at most 100) results."""

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any]:
        self.page = _number(request, "page", 1, MAX_PAGE)
        self.size = _number(request, "size", DEFAULT_SIZE, MAX_SIZE)
        self.count = queryset.count() if hasattr(queryset, "count") else len(queryset)
        start = (self.page - 1) * self.size
        return list(queryset[start : start + self.size])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "page": self.page,
                "size": self.size,
                "pages": max(1, math.ceil(self.count / self.size)),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "page", "size", "pages", "results"],
            "properties": {
                "count": {"type": "integer"},
                "page": {"type": "integer"},
                "size": {"type": "integer"},
                "pages": {"type": "integer"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
            },
        ]
