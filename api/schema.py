"""OpenAPI pieces drf-spectacular cannot guess: the token scheme, the error object."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Authorization: Bearer tm_… (a token made on "
            "/accounts/api-tokens/)",
        }


ERROR = inline_serializer(
    "Error",
    fields={
        "error": inline_serializer(
            "ErrorDetail",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(required=False),
            },
        )
    },
)


def errors(*codes: int) -> dict[int, Any]:
    """The error responses an operation documents, all of the one error shape."""
    return {code: OpenApiResponse(ERROR) for code in codes}


def only_api(endpoints: list[Any], **kwargs: Any) -> list[Any]:
    """The schema describes /api/v1/ only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
