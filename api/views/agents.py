"""The transfer agents' queue (proposals) and introductions, through
``matching.selectors`` and ``matching.services``; parties answer introductions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
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
from matching import selectors
from matching.models import (
    DeclineReason,
    Introduction,
    IntroductionResponse,
    Proposal,
    ProposalState,
    RejectReason,
)
from matching.permissions import can_review, introduction_side
from matching.services.answers import AnswerError, answer_introduction
from matching.services.decisions import (
    NOTE_MAX_LENGTH,
    DecisionError,
    claim_proposal,
    introduce,
    reject_proposal,
    release_proposal,
    snooze_proposal,
)


class ListingRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    score = serializers.FloatField()
    demand = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    shared_terms = serializers.ListField(child=serializers.CharField())
    claimed_by_me = serializers.SerializerMethodField()
    snoozed_until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def _ref(self, listing: Any) -> dict[str, Any]:
        return {
            "id": listing.pk,
            "title": listing.title,
            "organisation": listing.organisation.name,
        }

    @extend_schema_field(ListingRef)
    def get_demand(self, proposal: Proposal) -> dict[str, Any]:
        return self._ref(proposal.demand)

    @extend_schema_field(ListingRef)
    def get_outcome(self, proposal: Proposal) -> dict[str, Any]:
        return self._ref(proposal.outcome)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_claimed_by_me(self, proposal: Proposal) -> bool:
        request = self.context.get("request")
        return bool(request and proposal.claimed_by_id == request.user.pk)


class _Agent(GenericAPIView):
    permission_classes = [IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not can_review(request.user):
            raise PermissionDenied(_("Only transfer agents and moderators may."))


STATE_CHOICES = [selectors.OPEN, *ProposalState.values]


@extend_schema(
    summary="The agents' proposal queue, best first",
    parameters=[
        OpenApiParameter("state", {"type": "string", "enum": STATE_CHOICES}, "query"),
        OpenApiParameter(
            "field", {"type": "string", "pattern": params.FIELD_PATTERN}, "query"
        ),
        OpenApiParameter(
            "region", {"type": "string", "pattern": params.REGION_PATTERN}, "query"
        ),
        OpenApiParameter(
            "min_score", {"type": "integer", "minimum": 0, "maximum": 100}, "query"
        ),
        OpenApiParameter("mine", {"type": "boolean"}, "query"),
    ],
    responses={200: ProposalSerializer(many=True), **errors(400, 401, 403, 429)},
    tags=["agents"],
)
class ProposalQueue(_Agent):
    serializer_class = ProposalSerializer

    def get(self, request: Request) -> Response:
        query = request.query_params
        state = params.choice(query, "state", STATE_CHOICES) or selectors.OPEN
        field = params._given(query, "field")
        region = params._given(query, "region")
        errors_found: dict[str, list[str]] = {}
        if field is not None and not re.fullmatch(r"\d{2}(\d{2})?", field, re.ASCII):
            errors_found["field"] = [_("A technology field code.")]
        if region is not None and not re.fullmatch(r"\d{6}", region, re.ASCII):
            errors_found["region"] = [_("A six-digit region code.")]
        min_score = params._given(query, "min_score")
        if min_score is not None and not (
            min_score.isascii() and min_score.isdigit() and int(min_score) <= 100
        ):
            errors_found["min_score"] = [_("A whole number from 0 to 100.")]
        mine = params.choice(query, "mine", ["true", "false", "1", "0"])
        if errors_found:
            raise ValidationError(errors_found)
        filters = selectors.QueueFilters(
            state=state,
            field_code=field,
            region_code=region,
            min_score=int(min_score) / 100 if min_score is not None else None,
            mine=mine in ("true", "1"),
        )
        ids = selectors.reviewable_proposals(request.user, filters).values_list(
            "pk", flat=True
        )
        page = self.paginate_queryset(ids)
        rows = selectors.proposals_with_listings(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def _reviewable(request: Request, pk: int) -> Proposal:
    proposal = selectors.reviewable_proposal(request.user, _pk(pk))
    if proposal is None:
        raise NotFound()
    return proposal


@extend_schema(
    summary="One proposal of the queue",
    responses={200: ProposalSerializer, **errors(401, 403, 404, 429)},
    tags=["agents"],
)
class ProposalDetail(_Agent):
    serializer_class = ProposalSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_reviewable(request, pk)).data)


class RejectInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["reason"] == RejectReason.OTHER and not data.get("note", "").strip():
            raise ValidationError({"note": [_("Say why you reject this proposal.")]})
        return data


class SnoozeInput(serializers.Serializer):
    until = serializers.DateField()

    def validate_until(self, until: dt.date) -> dt.date:
        if until <= timezone.localdate():
            raise ValidationError(_("Choose a date in the future."))
        return until


class _ProposalAction(_Agent):
    serializer_class = serializers.Serializer
    input_class: type[serializers.Serializer] | None = None
    # The queue's service call, set by ``_action``: (proposal id, agent id, input).
    step: Callable[[int, int, dict[str, Any]], Any]

    def post(self, request: Request, pk: int) -> Response:
        proposal = _reviewable(request, pk)
        data: dict[str, Any] = {}
        if self.input_class is not None:
            given = self.input_class(data=request.data)
            given.is_valid(raise_exception=True)
            data = dict(given.validated_data)
        try:
            self.step(proposal.pk, request.user.pk, data)
        except DecisionError as error:
            raise Conflict(str(error.message), code=error.code) from None
        except DjangoPermissionDenied:
            raise NotFound() from None
        fresh = _reviewable(request, pk)
        return Response(
            ProposalSerializer(fresh, context=self.get_serializer_context()).data
        )


def _action(
    name: str, step: Callable[..., Any], input_class: Any = None
) -> type[_ProposalAction]:
    view = type(
        f"Proposal{name.capitalize()}",
        (_ProposalAction,),
        {
            "input_class": input_class,
            "step": staticmethod(step),
        },
    )
    return extend_schema(  # type: ignore[no-any-return]
        summary=f"{name.capitalize()} the proposal",
        request=input_class,
        responses={200: ProposalSerializer, **errors(400, 401, 403, 404, 409, 429)},
        tags=["agents"],
    )(view)


ProposalClaim = _action("claim", lambda p, a, d: claim_proposal(p, agent_id=a))
ProposalRelease = _action("release", lambda p, a, d: release_proposal(p, agent_id=a))
ProposalReject = _action(
    "reject",
    lambda p, a, d: reject_proposal(
        p, agent_id=a, reason=d["reason"], note=d.get("note", "")
    ),
    RejectInput,
)
ProposalSnooze = _action(
    "snooze",
    lambda p, a, d: snooze_proposal(
        p,
        agent_id=a,
        until=timezone.make_aware(dt.datetime.combine(d["until"], dt.time.min)),
    ),
    SnoozeInput,
)
ProposalIntroduce = _action("introduce", lambda p, a, d: introduce(p, a))


# -- introductions ---------------------------------------------------------------


class IntroductionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    proposal_id = serializers.IntegerField()
    demand = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    conversation_id = serializers.IntegerField(allow_null=True)
    demand_response = serializers.CharField()
    outcome_response = serializers.CharField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    my_side = serializers.SerializerMethodField()

    def _user(self) -> Any:
        return self.context["request"].user

    def _ref(self, listing: Any, hidden: bool) -> dict[str, Any]:
        return {
            "id": listing.pk,
            "title": listing.title,
            "organisation": "" if hidden else listing.organisation.name,
        }

    @extend_schema_field(ListingRef)
    def get_demand(self, introduction: Introduction) -> dict[str, Any]:
        demand = introduction.proposal.demand
        # An anonymous demand's organisation stays hidden from the outcome's side.
        hidden = (
            demand.owner_hidden
            and introduction_side(self._user(), introduction) == "outcome"
        )
        return self._ref(demand, hidden)

    @extend_schema_field(ListingRef)
    def get_outcome(self, introduction: Introduction) -> dict[str, Any]:
        outcome = introduction.proposal.outcome
        hidden = (
            outcome.owner_hidden
            and introduction_side(self._user(), introduction) == "demand"
        )
        return self._ref(outcome, hidden)

    @extend_schema_field(
        serializers.ChoiceField(choices=["demand", "outcome"], allow_null=True)
    )
    def get_my_side(self, introduction: Introduction) -> str | None:
        return introduction_side(self._user(), introduction)


def _introductions_for(user: Any) -> Any:
    orgs = permissions.member_organisation_ids(user)
    condition = (
        Q(agent_id=user.pk)
        | Q(proposal__demand__organisation_id__in=orgs)
        | Q(proposal__outcome__organisation_id__in=orgs)
    )
    if permissions.can_moderate(user):
        condition = Q()
    return (
        Introduction.objects.filter(condition)
        .select_related(
            "proposal__demand__organisation", "proposal__outcome__organisation"
        )
        .order_by("-created_at", "-pk")
    )


@extend_schema(
    summary="Introductions I made (agents) or my organisations take part in",
    responses={200: IntroductionSerializer(many=True), **errors(401, 429)},
    tags=["agents"],
)
class IntroductionList(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = IntroductionSerializer

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(_introductions_for(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AnswerInput(serializers.Serializer):
    response = serializers.ChoiceField(
        choices=[IntroductionResponse.ACCEPTED, IntroductionResponse.DECLINED]
    )
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH
    )


@extend_schema(
    summary="Answer an introduction for my organisation's side",
    request=AnswerInput,
    responses={200: IntroductionSerializer, **errors(400, 401, 404, 409, 429)},
    tags=["agents"],
)
class IntroductionAnswer(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = IntroductionSerializer

    def post(self, request: Request, pk: int) -> Response:
        introduction = _introductions_for(request.user).filter(pk=_pk(pk)).first()
        if (
            introduction is None
            or introduction_side(request.user, introduction) is None
        ):
            raise NotFound()
        given = AnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            answer_introduction(
                introduction.pk,
                user_id=request.user.pk,
                response=given.validated_data["response"],
                reason=given.validated_data.get("reason", ""),
                note=given.validated_data.get("note", ""),
            )
        except AnswerError as error:
            raise ValidationError({"_": [str(error.message)]}) from None
        fresh = _introductions_for(request.user).get(pk=introduction.pk)
        return Response(self.get_serializer(fresh).data)
