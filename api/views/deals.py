"""Deals: the parties' members, the deal's agent, moderators and managers read them
(``market.permissions``). Agents enter deals; the deal's agent (or a moderator)
moves the stage, sets the amounts and commission, records payments and keeps notes
and follow-ups; the parties' members make offers for their side and accept the
other side's. Every write goes through ``market.services.deals`` (or
``matching.services.deals`` for a deal from an introduction), whose refusals come
back as 400 per field or 409."""

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
    DealFollowUp,
    DealMode,
    DealNote,
    DealOffer,
    DealPayment,
    DealStage,
    Demand,
    ListingStatus,
    OfferSide,
    Outcome,
    PaymentStructure,
    TerminationReason,
)
from market.services.deals import (
    TRANSITIONS,
    DealError,
    IllegalDealTransition,
    OfferData,
    StageData,
    accept_offer,
    add_note,
    comparables,
    create_deal,
    finish_follow_up,
    make_offer,
    move,
    record_payment,
    set_follow_up,
    update_amounts,
)
from matching.models import Introduction
from matching.permissions import can_review, can_start_deal
from matching.services.deals import start_deal

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


_ID = {"min_value": 1, "max_value": 2_147_483_647}


class NewDealInput(serializers.Serializer):
    supplier = serializers.IntegerField(**_ID)
    buyer = serializers.IntegerField(**_ID)
    mode = serializers.ChoiceField(choices=DealMode.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=160)
    outcome = serializers.IntegerField(required=False, allow_null=True, **_ID)
    demand = serializers.IntegerField(required=False, allow_null=True, **_ID)


def _published_or_refused(
    model: Any, pk: int | None, field: str, message: str
) -> dict[str, list[str]]:
    """As the portal's form: only a published outcome or demand may be named."""
    if (
        pk is None
        or model.objects.filter(pk=pk, status=ListingStatus.PUBLISHED).exists()
    ):
        return {}
    return {field: [message]}


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

    @extend_schema(
        summary="Enter a deal (transfer agents and moderators; they become its agent)",
        request=NewDealInput,
        responses={201: DealDetailSerializer, **errors(400, 401, 403, 409, 429)},
        tags=["deals"],
    )
    def post(self, request: Request) -> Response:
        if not permissions.can_create_deal(request.user):
            raise PermissionDenied(_("Only transfer agents enter deals."))
        given = NewDealInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        refused = {
            **_published_or_refused(
                Outcome,
                data.get("outcome"),
                "outcome",
                _("Choose a published outcome."),
            ),
            **_published_or_refused(
                Demand, data.get("demand"), "demand", _("Choose a published demand.")
            ),
        }
        if refused:
            raise ValidationError(refused)
        try:
            deal = create_deal(
                by_user_id=request.user.pk,
                supplier_id=data["supplier"],
                buyer_id=data["buyer"],
                mode=data["mode"],
                title=data.get("title") or "",
                agent_id=request.user.pk,
                outcome_id=data.get("outcome"),
                demand_id=data.get("demand"),
            )
        except DealError as error:
            raise _refused(error) from None
        return Response(
            DealDetailSerializer(
                _readable(request, deal.pk), context=self.get_serializer_context()
            ).data,
            status=201,
        )


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
        "not_signed",
        "not_confirmed",
        "not_a_pairing",
        "duplicate",
    ):
        return Conflict(str(error.message), code=error.code)
    return ValidationError({"_": [str(error.message)]})


class AmountsInput(serializers.Serializer):
    """The deal's amounts and the agent's commission (a rate or a fixed sum)."""

    contract_amount_wan = serializers.DecimalField(min_value=0, **_AMOUNT)
    transaction_amount_wan = serializers.DecimalField(min_value=0, **_AMOUNT)
    commission_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True
    )
    commission_fixed_wan = serializers.DecimalField(min_value=0, **_AMOUNT)

    class Meta:
        names = (
            "contract_amount_wan",
            "transaction_amount_wan",
            "commission_rate",
            "commission_fixed_wan",
        )


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

    def _amounts(self, request: Request, pk: int, *, partial: bool) -> Response:
        deal = _managed(request, pk)
        given = AmountsInput(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        values = {name: getattr(deal, name) for name in AmountsInput.Meta.names}
        values.update(given.validated_data)
        try:
            update_amounts(deal.pk, by_user_id=request.user.pk, **values)
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(_readable(request, pk)).data)

    @extend_schema(
        summary="Set the amounts and the commission (the deal's agent or a moderator); "
        "every field, null clears it",
        request=AmountsInput,
        responses={200: DealDetailSerializer, **errors(400, 401, 403, 404, 429)},
        tags=["deals"],
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._amounts(request, pk, partial=False)

    @extend_schema(
        summary="Change some amounts or the commission (the deal's agent or a "
        "moderator)",
        request=AmountsInput,
        responses={200: DealDetailSerializer, **errors(400, 401, 403, 404, 429)},
        tags=["deals"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._amounts(request, pk, partial=True)


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
    side = serializers.ChoiceField(choices=OfferSide.choices, required=False)
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


def _offer_side(user: Any, deal: Deal) -> str | None:
    """As on the deal's page: a party's member offers for their party; the deal's
    agent (or a moderator) records an offer as "agent", on behalf of the parties."""
    side = permissions.deal_side(user, deal)
    if side is not None:
        return side
    if permissions.can_manage_deal(user, deal):
        return str(OfferSide.AGENT)
    return None


@extend_schema(
    summary="Make an offer or counter-offer: a party's member for their side, the "
    'deal\'s agent (or a moderator) as "agent"',
    request=OfferInput,
    responses={201: OfferSerializer, **errors(400, 401, 403, 404, 409, 429)},
    tags=["deals"],
)
class DealOffers(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OfferSerializer

    def post(self, request: Request, pk: int) -> Response:
        deal = _readable(request, pk)
        side = _offer_side(request.user, deal)
        if side is None:
            raise PermissionDenied(
                _("Only the parties and the deal's agent make offers.")
            )
        given = OfferInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        asked = data.pop("side", None) or side
        if asked != side:
            raise ValidationError(
                {
                    "side": [
                        _("You make offers for your side only: %(side)s.")
                        % {"side": OfferSide(side).label}
                    ]
                }
            )
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


@extend_schema(
    summary="Accept an open offer of the other side (a member of a party)",
    request=None,
    responses={200: OfferSerializer, **errors(401, 403, 404, 409, 429)},
    tags=["deals"],
)
class DealOfferAccept(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OfferSerializer

    def post(self, request: Request, pk: int, offer_pk: int) -> Response:
        deal = _readable(request, pk)
        if not DealOffer.objects.filter(pk=_pk(offer_pk), deal=deal).exists():
            raise NotFound()
        side = permissions.deal_side(request.user, deal)
        if side is None:
            raise PermissionDenied(_("A member of the other party accepts an offer."))
        try:
            offer = accept_offer(offer_pk, side=side, by_user_id=request.user.pk)
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(offer).data)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_wan = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class PaymentInput(serializers.Serializer):
    amount_wan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


@extend_schema(tags=["deals"])
class DealPayments(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PaymentSerializer

    @extend_schema(
        summary="Payments received under the contract (whoever reads the deal)",
        responses={200: PaymentSerializer(many=True), **errors(401, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        deal = _readable(request, pk)
        rows = DealPayment.objects.filter(deal=deal).order_by("paid_on", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Record a payment of a signed deal (the deal's agent or a moderator)",
        request=PaymentInput,
        responses={201: PaymentSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        given = PaymentInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            payment = record_payment(
                deal.pk,
                amount_wan=data["amount_wan"],
                paid_on=data["paid_on"],
                note=data.get("note", ""),
                by_user_id=request.user.pk,
            )
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(payment).data, status=201)


class ComparablesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    shown = serializers.BooleanField()
    median_wan = serializers.DecimalField(**_AMOUNT)
    low_wan = serializers.DecimalField(**_AMOUNT)
    high_wan = serializers.DecimalField(**_AMOUNT)


@extend_schema(
    summary="Past signed deals of the same field and contract type: how many, and "
    "their median and range when there are enough not to reveal one deal",
    responses={200: ComparablesSerializer, **errors(401, 404, 429)},
    tags=["deals"],
)
class DealComparables(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ComparablesSerializer

    def get(self, request: Request, pk: int) -> Response:
        deal = _readable(request, pk)
        return Response(self.get_serializer(comparables(deal)).data)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, note: DealNote) -> str:
        author = note.author
        if author is None:
            return ""
        return str(author.get_full_name() or author.get_username())


class NoteInput(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


def _staff(request: Request, pk: int) -> Deal:
    """The deal for those who handle or oversee it (never the parties)."""
    deal = _readable(request, pk)
    if not (
        permissions.can_manage_deal(request.user, deal)
        or permissions.can_view_all_deals(request.user)
    ):
        raise PermissionDenied(_("Only the deal's agent or a moderator may."))
    return deal


@extend_schema(tags=["deals"])
class DealNotes(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NoteSerializer

    @extend_schema(
        summary="The agent's notes on the deal (the deal's agent, moderators, "
        "managers; never the parties)",
        responses={200: NoteSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        deal = _staff(request, pk)
        rows = (
            DealNote.objects.filter(deal=deal)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Write a note on the deal (the deal's agent or a moderator)",
        request=NoteInput,
        responses={201: NoteSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        given = NoteInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            note = add_note(
                deal.pk, body=given.validated_data["body"], by_user_id=request.user.pk
            )
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(note).data, status=201)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    what = serializers.CharField()
    reminded_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class FollowUpInput(serializers.Serializer):
    due_at = serializers.DateTimeField()
    what = serializers.CharField(max_length=200)


@extend_schema(tags=["deals"])
class DealFollowUps(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowUpSerializer

    @extend_schema(
        summary="My follow-ups on the deal (the deal's agent or a moderator)",
        responses={200: FollowUpSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        rows = DealFollowUp.objects.filter(
            deal=deal, agent_id=request.user.pk
        ).order_by("due_at", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Set a follow-up: one reminder at the time given (the deal's agent "
        "or a moderator)",
        request=FollowUpInput,
        responses={201: FollowUpSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        deal = _managed(request, pk)
        given = FollowUpInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            follow_up = set_follow_up(
                deal.pk,
                agent_id=request.user.pk,
                due_at=given.validated_data["due_at"],
                what=given.validated_data["what"],
            )
        except DealError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(follow_up).data, status=201)


@extend_schema(
    summary="Mark one of my follow-ups on the deal done",
    request=None,
    responses={200: FollowUpSerializer, **errors(401, 403, 404, 429)},
    tags=["deals"],
)
class DealFollowUpDone(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowUpSerializer

    def post(self, request: Request, pk: int, follow_up_pk: int) -> Response:
        deal = _managed(request, pk)
        if not DealFollowUp.objects.filter(
            pk=_pk(follow_up_pk), deal=deal, agent_id=request.user.pk
        ).exists():
            raise NotFound()
        try:
            follow_up = finish_follow_up(follow_up_pk, agent_id=request.user.pk)
        except DealError:
            raise NotFound() from None
        return Response(self.get_serializer(follow_up).data)


class StartDealInput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=DealMode.choices)


@extend_schema(
    summary="Start the deal of an introduction both parties accepted (transfer "
    "agents and moderators)",
    request=StartDealInput,
    responses={201: DealDetailSerializer, **errors(400, 401, 403, 404, 409, 429)},
    tags=["deals"],
)
class IntroductionDeal(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DealDetailSerializer

    def post(self, request: Request, pk: int) -> Response:
        if not (permissions.can_create_deal(request.user) and can_review(request.user)):
            raise PermissionDenied(_("Only transfer agents enter deals."))
        introduction = (
            Introduction.objects.filter(pk=_pk(pk)).only("pk", "agent_id").first()
        )
        if introduction is None:
            raise NotFound()
        if not can_start_deal(request.user, introduction):
            raise PermissionDenied(
                _("The introduction's agent or a moderator starts its deal.")
            )
        given = StartDealInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            deal = start_deal(
                pk, by_user_id=request.user.pk, mode=given.validated_data["mode"]
            )
        except DealError as error:
            raise _refused(error) from None
        fresh = (
            Deal.objects.select_related("supplier", "buyer")
            .prefetch_related("transitions", "offers")
            .get(pk=deal.pk)
        )
        return Response(self.get_serializer(fresh).data, status=201)
