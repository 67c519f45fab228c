"""One JSON error format for every error under /api/.

``{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}``;
``fields`` is present for validation errors only.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """The object's state does not allow the request (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _flatten(detail: Any) -> Any:
    """ErrorDetail trees as plain lists of strings per field."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _first_code(codes: Any) -> str:
    if isinstance(codes, dict):
        return _first_code(next(iter(codes.values()), "invalid"))
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    """The error object every API error answers."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler, reshaped into the one format; unexpected errors become 500 JSON."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail if isinstance(detail, dict) else {"_": detail})
        body = error_body(
            "invalid", _("The request has errors; see the fields."), fields
        )
    else:
        detail = exc.detail
        message = detail if not isinstance(detail, dict | list) else _flatten(detail)
        body = error_body(_first_code(exc.get_codes()), str(message))
    response.data = body
    return response
