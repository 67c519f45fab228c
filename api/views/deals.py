"""Deals: the parties' members, the deal's agent, moderators and managers read them
(``market.permissions``); the deal's agent (or a moderator) moves the stage and
records offers through ``market.services.deals``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import params
from api.errors import Conflict
from api.schema import errors
from api.views.public import _pk
from market import permissions
from market.models import (
    Deal,
    DealStage,
    OfferSide,
    PaymentStructure,
    TerminationReason,
)
from market.services.deals import (
    TRANSITIONS,
    DealError,
    IllegalDealTransition,
    OfferData,
    StageData,
    make_offer,
    move,
)

_AMOUNT = {"max_digits": 14, "decimal_places": 2, "allow_null": True}


class TransitionSerializer(serializers.Serializer):
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    side = serializers.CharField()
    structure = serializers.CharField()
    total_wan = serializers.DecimalField(**_AMOUNT)
    upfront_wan = serializers.DecimalField(**_AMOUNT)
    milestones = serializers.JSONField()
    royalty_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    royalty_base = serializers.CharField()
    royalty_years = serializers.IntegerField(allow_null=True)
    equity_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    note = serializers.CharField()
    status = serializers.CharField()
    responds_to_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DealSerializer(serializers.Serializer):
    """A deal as its readers see it; the commission only to those who manage deals."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    stage = serializers.CharField()
    mode = serializers.CharField()
    source = serializers.CharField()
    supplier = PartySerializer()
    buyer = PartySerializer()
    outcome_id = serializers.IntegerField(allow_null=True)
    demand_id = serializers.IntegerField(allow_null=True)
    challenge_id = serializers.IntegerField(allow_null=True)
    contract_amount_wan = serializers.DecimalField(**_AMOUNT)
    transaction_amount_wan = serializers.DecimalField(**_AMOUNT)
    signed_on = serializers.DateField(allow_null=True)
    registration_number = serializers.CharField()
    registered_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    end_reason_code = serializers.CharField()
    stage_changed_at = serializers.DateTimeField()
    my_role = serializers.SerializerMethodField()
    commission = serializers.SerializerMethodField()

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(
        serializers.ChoiceField(
            choices=["agent", "supplier", "buyer", "reader"], allow_null=True
        )
    )
    def get_my_role(self, deal: Deal) -> str:
        user = self._user()
        if permissions.is_deal_agent(user, deal):
            return "agent"
        return permissions.deal_side(user, deal) or "reader"

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(allow_null=True), allow_null=True
        )
    )
    def get_commission(self, deal: Deal) -> dict[str, str | None] | None:
        user = self._user()
        if not (
            permissions.can_manage_deal(user, deal)
            or permissions.can_view_all_deals(user)
        ):
            return None
        fixed = deal.commission_fixed_wan
        rate = deal.commission_rate
        return {
            "rate": f"{rate:f}" if rate is not None else None,
            "fixed_wan": f"{fixed:f}" if fixed is not None else None,
        }


class DealDetailSerializer(DealSerializer):
    transitions = TransitionSerializer(many=True, source="transitions.all")
    offers = OfferSerializer(many=True, source="offers.all")


def _deals(user: Any) -> Any:
    return permissions.visible_deals(
        Deal.objects.select_related("supplier", "buyer"), user
    ).order_by("-stage_changed_at", "-pk")


@extend_schema(
    summary="Deals I take part in (parties), handle (agents) or oversee",
    parameters=[
        OpenApiParameter(
            "stage", {"type": "string", "enum": list(DealStage.values)}, "query"
        )
    ],
    responses={200: DealSerializer(many=True), **errors(400, 401, 429)},
    tags=["deals"],
)
class DealList(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DealSerializer

    def get(self, request: Request) -> Response:
        stage = params.choice(request.query_params, "stage", DealStage.values)
        queryset = _deals(request.user)
        if stage:
            queryset = queryset.filter(stage=stage)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _readable(request: Request, pk: int) -> Deal:
    deal = (
        _deals(request.user)
        .prefetch_related("transitions", "offers")
        .filter(pk=_pk(pk))
        .first()
    )
    if deal is None:
        raise NotFound()
    return deal  # type: ignore[no-any-return]


def _managed(request: Request, pk: int) -> Deal:
    deal = _readable(request, pk)
    if not permissions.can_manage_deal(request.user, deal):
        raise PermissionDenied(_("Only the deal's agent or a moderator may."))
    return deal


def _refused(error: DealError) -> Exception:
    if error.errors:
        return ValidationError({k: [str(v)] for k, v in error.errors.items()})
    if isinstance(error, IllegalDealTransition) or error.code in (
        "closed",
        "offer_not_open",
        "own_offer",
        "not_found",
    ):
        return Conflict(str(error.message), code=error.code)
    return ValidationError({"_": [str(error.message)]})


@extend_schema(
    summary="One deal, with its stage history and offers",
    responses={200: DealDetailSerializer, **errors(401, 404, 429)},
    tags=["deals"],
)
class DealDetail(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DealDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_readable(request, pk)).data)


class MoveInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason_code = serializers.ChoiceField(
        choices=TerminationReason.choices, required=False, allow_blank=True
    )
    signed_on = serializers.DateField(required=False, allow_null=True)
    contract_amount_wan = serializers.DecimalField(
        required=False, min_value=0, **_AMOUNT
    )
    transaction_amount_wan = serializers.DecimalField(
        required=False, min_value=0, **_AMOUNT
    )
    registration_number = serializers.CharField(
        required=False, allow_blank=True, max_length=60
    )
    registered_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


@extend_schema(
    summary="Move the deal one stage (the deal's agent or a moderator)",
    request=MoveInput,
    responses={200: DealDetailSerializer, **errors(400, 401, 403, 404, 409, 429)},
    tags=["deals"],
)
class DealMove(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DealDetailSerializer

    def post(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        given = MoveInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        action = data.pop("action")
        stage_data = StageData(
            **{key: value for key, value in data.items() if value is not None}
        )
        try:
            move(deal.pk, action, by_user_id=request.user.pk, data=stage_data)
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(_readable(request, pk)).data)


class MilestoneInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    amount_wan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class OfferInput(serializers.Serializer):
    side = serializers.ChoiceField(choices=OfferSide.choices)
    structure = serializers.ChoiceField(choices=PaymentStructure.choices)
    total_wan = serializers.DecimalField(required=False, min_value=0, **_AMOUNT)
    upfront_wan = serializers.DecimalField(required=False, min_value=0, **_AMOUNT)
    milestones = MilestoneInput(many=True, required=False)
    royalty_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    royalty_base = serializers.CharField(
        required=False, allow_blank=True, max_length=120
    )
    royalty_years = serializers.IntegerField(required=False, min_value=1, max_value=50)
    equity_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    responds_to = serializers.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647
    )


@extend_schema(
    summary="Record an offer or counter-offer (the deal's agent or a moderator)",
    request=OfferInput,
    responses={201: OfferSerializer, **errors(400, 401, 403, 404, 409, 429)},
    tags=["deals"],
)
class DealOffers(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OfferSerializer

    def post(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        given = OfferInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        side = data.pop("side")
        responds_to = data.pop("responds_to", None)
        data["milestones"] = [dict(row) for row in data.get("milestones", [])]
        try:
            offer = make_offer(
                deal.pk,
                OfferData(**data),
                side=side,
                by_user_id=request.user.pk,
                responds_to_id=responds_to,
            )
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(offer).data, status=201)
