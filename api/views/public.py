"""Public reads: outcomes, demands, challenges and search (anyone; a token only
adds what ``market.permissions`` shows its user)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api import params
from api.pagination import MAX_PAGE
from api.schema import errors
from api.serializers import (
    ChallengeDetailSerializer,
    ChallengeSerializer,
    DemandDetailSerializer,
    DemandSerializer,
    OutcomeDetailSerializer,
    OutcomeSerializer,
)
from market import permissions
from market.kinds import registry
from market.models import Challenge, OrganisationKind
from market.selectors import board_challenges, catalogue, listing_detail, sorts_for
from market.services.engagement import read_protected_details
from search.query import MAX_PER_PAGE
from search.query import SORTS as SEARCH_SORTS
from search.views import run_search

MAX_ID = 2_147_483_647


def _pk(pk: int) -> int:
    """A database id from the path (the route takes any digits)."""
    if not 1 <= pk <= MAX_ID:
        raise NotFound()
    return pk


class _ListingList(GenericAPIView):
    kind = ""

    def get(self, request: Request) -> Response:
        filters = params.catalogue_filters(request.query_params)
        sort = (
            params.choice(request.query_params, "sort", sorts_for(self.kind))
            or "newest"
        )
        queryset = catalogue(self.kind, filters, sort)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class _ListingDetail(GenericAPIView):
    kind = ""

    def get(self, request: Request, pk: int) -> Response:
        listing = listing_detail(self.kind, _pk(pk))
        if listing is None or not permissions.can_view(request.user, listing):
            raise NotFound()
        user_id = request.user.pk if request.user.is_authenticated else None
        details = read_protected_details(listing.pk, user_id=user_id)
        context = {**self.get_serializer_context(), "protected_details": details}
        return Response(self.get_serializer_class()(listing, context=context).data)


def _sort_parameter(kind: str) -> OpenApiParameter:
    return OpenApiParameter(
        "sort", {"type": "string", "enum": list(sorts_for(kind))}, "query"
    )


@extend_schema(
    summary="Published research outcomes",
    parameters=[*params.CATALOGUE_PARAMETERS, _sort_parameter("outcome")],
    responses={200: OutcomeSerializer(many=True), **errors(400, 401, 429)},
    tags=["public"],
)
class OutcomeList(_ListingList):
    kind = "outcome"
    serializer_class = OutcomeSerializer


@extend_schema(
    summary="One research outcome",
    responses={200: OutcomeDetailSerializer, **errors(401, 404, 429)},
    tags=["public"],
)
class OutcomeDetail(_ListingDetail):
    kind = "outcome"
    serializer_class = OutcomeDetailSerializer


@extend_schema(
    summary="Published technology demands",
    parameters=[*params.CATALOGUE_PARAMETERS, _sort_parameter("demand")],
    responses={200: DemandSerializer(many=True), **errors(400, 401, 429)},
    tags=["public"],
)
class DemandList(_ListingList):
    kind = "demand"
    serializer_class = DemandSerializer


@extend_schema(
    summary="One technology demand",
    responses={200: DemandDetailSerializer, **errors(401, 404, 429)},
    tags=["public"],
)
class DemandDetail(_ListingDetail):
    kind = "demand"
    serializer_class = DemandDetailSerializer


@extend_schema(
    summary="Public challenges (揭榜挂帅)",
    parameters=params.CHALLENGE_PARAMETERS,
    responses={200: ChallengeSerializer(many=True), **errors(400, 401, 429)},
    tags=["public"],
)
class ChallengeList(GenericAPIView):
    serializer_class = ChallengeSerializer

    def get(self, request: Request) -> Response:
        queryset = board_challenges(params.challenge_filters(request.query_params))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    summary="One challenge",
    responses={200: ChallengeDetailSerializer, **errors(401, 404, 429)},
    tags=["public"],
)
class ChallengeDetail(GenericAPIView):
    serializer_class = ChallengeDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        challenge = (
            Challenge.objects.select_related("issuer", "field", "region", "campaign")
            .prefetch_related("indicators")
            .filter(pk=_pk(pk))
            .first()
        )
        if challenge is None or not permissions.can_view_challenge(
            request.user, challenge
        ):
            raise NotFound()
        return Response(self.get_serializer(challenge).data)


# -- search -----------------------------------------------------------------------


class SearchHit(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    title_html = serializers.CharField()
    snippet_html = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    organisation_kind = serializers.JSONField()
    field = serializers.JSONField()
    regions = serializers.JSONField()
    region_label = serializers.JSONField()
    maturity = serializers.JSONField()
    maturity_label = serializers.JSONField()
    amount = serializers.JSONField()
    negotiable = serializers.JSONField()
    price_label = serializers.CharField()
    modes = serializers.JSONField()
    keywords = serializers.ListField(child=serializers.CharField())
    published_at = serializers.JSONField()
    score = serializers.JSONField()


class SearchAnswer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    corrected_from = serializers.CharField(allow_null=True)
    did_you_mean = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    per_page = serializers.IntegerField()
    sort = serializers.CharField()
    filters = serializers.DictField()
    results = SearchHit(many=True)
    facets = serializers.DictField()
    messages = serializers.ListField(child=serializers.CharField())
    backend = serializers.CharField()
    degraded = serializers.BooleanField()


SEARCH_PARAMETERS = [
    OpenApiParameter("q", {"type": "string", "maxLength": 100}, "query"),
    OpenApiParameter(
        "kind", {"type": "string", "enum": [spec.key for spec in registry]}, "query"
    ),
    OpenApiParameter(
        "org", {"type": "string", "enum": list(OrganisationKind.values)}, "query"
    ),
    *params.CATALOGUE_PARAMETERS,
    OpenApiParameter("sort", {"type": "string", "enum": list(SEARCH_SORTS)}, "query"),
    OpenApiParameter(
        "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "query"
    ),
    OpenApiParameter(
        "per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "query"
    ),
    OpenApiParameter("verbatim", {"type": "string", "enum": ["0", "1"]}, "query"),
]


def _number(query: Any, name: str, maximum: int) -> None:
    value = params._given(query, name)
    if value is not None and (
        not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum
    ):
        raise ValidationError(
            {name: [_("A whole number from 1 to %(max)s.") % {"max": maximum}]}
        )


@extend_schema(
    summary="Search outcomes and demands",
    description="The search page's query plan and backends (search.views.run_search).",
    parameters=SEARCH_PARAMETERS,
    responses={200: SearchAnswer, **errors(400, 401, 429)},
    tags=["public"],
)
class Search(GenericAPIView):
    serializer_class = SearchAnswer
    pagination_class = None

    def get(self, request: Request) -> Response:
        query = request.query_params
        params.catalogue_filters(query)
        params.choice(query, "kind", [spec.key for spec in registry])
        params.choice(query, "org", OrganisationKind.values)
        params.choice(query, "sort", SEARCH_SORTS)
        params.choice(query, "verbatim", ["0", "1"])
        _number(query, "page", MAX_PAGE)
        _number(query, "per_page", MAX_PER_PAGE)
        text = params._given(query, "q")
        if text is not None and len(text) > params.MAX_TEXT:
            raise ValidationError(
                {"q": [_("At most %(max)s characters.") % {"max": params.MAX_TEXT}]}
            )
        return Response(run_search(request._request).data)
