"""The market statistics through the API: the same figures as /statistics/ and its
/statistics/data/<figure>.json, computed by ``reports.figures.compute`` for the period
and cuts ``reports.params`` reads, readable per ``reports.permissions`` (public
figures to anyone, the others to managers, moderators and administrators)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import (
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import errors
from reports.figures import FIGURES, FigureSpec, compute
from reports.params import parse_report_query, public_errors
from reports.permissions import can_read_figure, can_view_dashboard


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()


class FigureInfoSerializer(serializers.Serializer):
    figure = serializers.CharField()
    title = serializers.CharField()
    public = serializers.BooleanField()
    columns = ColumnSerializer(many=True)


class FigureSerializer(serializers.Serializer):
    figure = serializers.CharField()
    title = serializers.CharField()
    period = inline_serializer(
        "StatisticsPeriod",
        fields={"from": serializers.CharField(), "to": serializers.CharField()},
    )
    cuts = serializers.DictField(child=serializers.CharField())
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField())


QUERY = [
    OpenApiParameter(
        "preset",
        {"type": "string", "enum": ["12m", "this_year", "last_year", "all"]},
        "query",
        description="A period preset (default 12m) when from/to are not given.",
    ),
    OpenApiParameter(
        "from", OpenApiTypes.STR, "query", description="First month, YYYY-MM."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.STR, "query", description="Last month, YYYY-MM."
    ),
    OpenApiParameter(
        "field", OpenApiTypes.STR, "query", description="A technology field's code."
    ),
    OpenApiParameter(
        "region", OpenApiTypes.STR, "query", description="A GB/T 2260 region code."
    ),
    OpenApiParameter(
        "institution",
        OpenApiTypes.STR,
        "query",
        description="An organisation's id (managers' figures only).",
    ),
]


def _info(spec: FigureSpec) -> dict[str, Any]:
    return {
        "figure": spec.name,
        "title": str(spec.title),
        "public": spec.public,
        "columns": [
            {"key": c.key, "label": str(c.label), "kind": c.kind} for c in spec.columns
        ],
    }


@extend_schema(
    summary="The statistics figures I may read (public ones to anyone)",
    responses={200: FigureInfoSerializer(many=True), **errors(401, 429)},
    tags=["statistics"],
)
class StatisticsList(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(
            [
                _info(spec)
                for spec in FIGURES.values()
                if can_read_figure(request.user, spec)
            ]
        )


@extend_schema(
    summary="One statistics figure for a period and cuts, as /statistics/data/"
    "<figure>.json (the managers' figures to managers, moderators, administrators)",
    parameters=[
        OpenApiParameter("figure", {"type": "string", "enum": list(FIGURES)}, "path"),
        *QUERY,
    ],
    responses={200: FigureSerializer, **errors(400, 401, 403, 404, 429)},
    tags=["statistics"],
)
class StatisticsFigure(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, figure: str) -> Response:
        spec = FIGURES.get(figure)
        if spec is None:
            raise NotFound()
        if not can_read_figure(request.user, spec):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            raise PermissionDenied(
                _("This figure is for managers, moderators and administrators.")
            )
        query = parse_report_query(request.query_params)
        problems = (
            list(query.errors)
            if can_view_dashboard(request.user)
            else public_errors(query)
        )
        if problems:
            raise ValidationError({"_": problems})
        body = _info(spec)
        del body["public"]
        response = Response(
            {
                "figure": spec.name,
                "title": body["title"],
                "period": {
                    "from": query.period.first.strftime("%Y-%m"),
                    "to": query.period.last.strftime("%Y-%m"),
                },
                "cuts": query.cuts.as_params(),
                "columns": body["columns"],
                "rows": compute(spec.name, query.period, query.cuts),
            }
        )
        if not spec.public:
            # As the page's JSON: a managers' figure stays out of shared caches.
            response["Cache-Control"] = "private, no-store"
        return response
