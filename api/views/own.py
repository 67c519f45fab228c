"""One's own items (token or session): the organisation's outcomes and demands,
written through the workbench's services, and the matcher's 为您推荐 for them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import (
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import params
from api.errors import Conflict
from api.schema import errors
from api.serializers import OWN_SERIALIZERS, WRITE_SERIALIZERS
from api.views.public import _pk
from config import throttle
from market import permissions
from market.models import Demand, IPRight, Listing, ListingStatus, Outcome
from market.services.listings import (
    EditConflict,
    IllegalTransition,
    ListingError,
    SubmissionIncomplete,
    pending_draft,
    submit_listing,
    withdraw_listing,
)
from market.services.media import save_listing_with_media
from matching.selectors import recommendations

# Fields copied as they are from the validated data onto the listing.
_RELATIONS = {"field", "region"}
_NOT_ON_MODEL = {"organisation", "modes", "loaded_revision_id"}


def _own_queryset(model: type[Listing], user: Any) -> Any:
    return (
        model.objects.filter(
            organisation_id__in=permissions.member_organisation_ids(user)
        )
        .select_related("organisation", "field", "region")
        .prefetch_related("modes")
    )


def _model_errors(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                name: [str(m) for m in found]
                for name, found in error.message_dict.items()
            }
        )
    return ValidationError({"_": [str(m) for m in error.messages]})


def _check_listing(listing: Listing) -> None:
    """What the workbench form checks across fields (and the model's ``clean``)."""
    try:
        listing.clean()
    except DjangoValidationError as error:
        raise _model_errors(error) from None
    if isinstance(listing, Demand):
        low, high = listing.budget_min_wan, listing.budget_max_wan
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {
                    "budget_max_wan": [
                        _(
                            "The upper bound of the budget must not be below its "
                            "lower bound."
                        )
                    ]
                }
            )


def _current_rights(listing: Listing) -> list[dict[str, str]]:
    """A published outcome's IP rights as they are: an API edit leaves them alone."""
    if not isinstance(listing, Outcome) or listing.pk is None:
        return []
    return [
        {
            "kind": row.kind,
            "number": row.number,
            "title": row.title,
            "legal_status": row.legal_status,
        }
        for row in IPRight.objects.filter(outcome_id=listing.pk)
    ]


def _save(listing: Listing, data: dict[str, Any], user_id: int, modes: Any) -> Listing:
    for name, value in data.items():
        if name in _NOT_ON_MODEL:
            continue
        setattr(listing, name, value)
    _check_listing(listing)
    try:
        return save_listing_with_media(
            listing,
            by_user_id=user_id,
            modes=modes,
            loaded_revision_id=data.get("loaded_revision_id"),
            rights_for_review=lambda: _current_rights(listing),
        )
    except (EditConflict, IllegalTransition) as error:
        raise Conflict(str(error.message), code=error.code) from None
    except ListingError as error:
        raise ValidationError({"_": [str(error.message)]}) from None


class _OwnList(GenericAPIView):
    permission_classes = [IsAuthenticated]
    model: type[Listing] = Listing

    def get_serializer_class(self) -> Any:
        if self.request.method == "POST":
            return WRITE_SERIALIZERS[self.model]
        return OWN_SERIALIZERS[self.model]

    def get(self, request: Request) -> Response:
        wanted = params.choice(request.query_params, "status", ListingStatus.values)
        queryset = _own_queryset(self.model, request.user).order_by(
            "-updated_at", "-pk"
        )
        if wanted:
            queryset = queryset.filter(status=wanted)
        page = self.paginate_queryset(queryset)
        serializer = OWN_SERIALIZERS[self.model](
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def post(self, request: Request) -> Response:
        organisations = sorted(permissions.member_organisation_ids(request.user))
        if not organisations:
            raise PermissionDenied(
                _("You do not belong to an organisation, so you cannot post items.")
            )
        write = WRITE_SERIALIZERS[self.model](data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        chosen = data.get("organisation")
        if chosen is None and len(organisations) > 1:
            raise ValidationError(
                {"organisation": [_("Choose the organisation that offers it.")]}
            )
        chosen = chosen or organisations[0]
        if not permissions.can_create_for(request.user, chosen):
            raise ValidationError(
                {"organisation": [_("You are not a member of this organisation.")]}
            )
        listing = self.model(organisation_id=chosen)
        saved = _save(listing, data, request.user.pk, data.get("modes", []))
        return Response(
            OWN_SERIALIZERS[self.model](
                _own_queryset(self.model, request.user).get(pk=saved.pk),
                context=self.get_serializer_context(),
            ).data,
            status=status.HTTP_201_CREATED,
        )


class _OwnDetail(GenericAPIView):
    permission_classes = [IsAuthenticated]
    model: type[Listing] = Listing

    def get_serializer_class(self) -> Any:
        if self.request.method == "PATCH":
            return WRITE_SERIALIZERS[self.model]
        return OWN_SERIALIZERS[self.model]

    def _listing(self, pk: int) -> Listing:
        listing = (
            _own_queryset(self.model, self.request.user).filter(pk=_pk(pk)).first()
        )
        if listing is None:
            raise NotFound()
        return listing  # type: ignore[no-any-return]

    def _answer(self, pk: int) -> Response:
        listing = _own_queryset(self.model, self.request.user).get(pk=pk)
        return Response(
            OWN_SERIALIZERS[self.model](
                listing, context=self.get_serializer_context()
            ).data
        )

    def get(self, request: Request, pk: int) -> Response:
        return self._answer(self._listing(pk).pk)

    def patch(self, request: Request, pk: int) -> Response:
        listing = self._listing(pk)
        write = WRITE_SERIALIZERS[self.model](data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        if "organisation" in data and data["organisation"] != listing.organisation_id:
            raise ValidationError(
                {"organisation": [_("A listing cannot move to another organisation.")]}
            )
        if not permissions.can_edit(request.user, listing):
            raise Conflict(
                _("Withdraw the listing from review before editing it."),
                code="under_review",
            )
        # Changes waiting beside the published version: the edit goes on from them.
        draft = pending_draft(listing)
        base = draft or listing
        modes = data.get("modes")
        if modes is None:
            modes = (
                draft.pending_modes  # type: ignore[attr-defined]
                if draft is not None
                else list(listing.modes.all())
            )
        _save(base, data, request.user.pk, modes)
        return self._answer(listing.pk)


class _OwnAction(GenericAPIView):
    permission_classes = [IsAuthenticated]
    model: type[Listing] = Listing
    serializer_class = serializers.Serializer
    action = ""

    def post(self, request: Request, pk: int) -> Response:
        listing = _own_queryset(self.model, request.user).filter(pk=_pk(pk)).first()
        if listing is None:
            raise NotFound()
        # Submitting notifies the moderators: the workbench's message budget.
        ticket = (
            throttle.take_message(request._request)
            if self.action == "submit"
            else throttle.Ticket()
        )
        if ticket is None:
            raise Throttled(
                wait=throttle.MESSAGES_ACCOUNT.rate[1],
                detail=throttle.message_refused(),
            )
        service = submit_listing if self.action == "submit" else withdraw_listing
        try:
            service(listing.pk, by_user_id=request.user.pk)
        except SubmissionIncomplete as error:
            ticket.give_back()
            raise ValidationError(
                {name: [str(message)] for name, message in error.missing.items()}
            ) from None
        except ListingError as error:
            ticket.give_back()
            raise Conflict(str(error.message), code=error.code) from None
        fresh = _own_queryset(self.model, request.user).get(pk=listing.pk)
        return Response(
            OWN_SERIALIZERS[self.model](
                fresh, context=self.get_serializer_context()
            ).data
        )


def _own_views(model: type[Listing], noun: str) -> tuple[Any, ...]:
    own = OWN_SERIALIZERS[model]
    write = WRITE_SERIALIZERS[model]
    status_parameter = OpenApiParameter(
        "status", {"type": "string", "enum": list(ListingStatus.values)}, "query"
    )
    listing = extend_schema(
        methods=["GET"],
        summary=f"My organisations' {noun}",
        parameters=[status_parameter],
        responses={200: own(many=True), **errors(400, 401, 429)},
        tags=["mine"],
    )(
        extend_schema(
            methods=["POST"],
            summary=f"Create a draft of {noun}",
            request=write,
            responses={201: own, **errors(400, 401, 403, 415, 429)},
            tags=["mine"],
        )(type(f"Own{model.__name__}List", (_OwnList,), {"model": model}))
    )
    detail = extend_schema(
        methods=["GET"],
        summary=f"One of my {noun}",
        responses={200: own, **errors(401, 404, 429)},
        tags=["mine"],
    )(
        extend_schema(
            methods=["PATCH"],
            summary=f"Change one of my {noun} (a published one waits for review)",
            request=write,
            responses={200: own, **errors(400, 401, 404, 409, 415, 429)},
            tags=["mine"],
        )(type(f"Own{model.__name__}Detail", (_OwnDetail,), {"model": model}))
    )
    actions = tuple(
        extend_schema(
            summary=f"{action.capitalize()} one of my {noun}",
            request=None,
            responses={200: own, **errors(400, 401, 404, 409, 429)},
            tags=["mine"],
        )(
            type(
                f"Own{model.__name__}{action.capitalize()}",
                (_OwnAction,),
                {"model": model, "action": action},
            )
        )
        for action in ("submit", "withdraw")
    )
    return (listing, detail, *actions)


OwnOutcomeList, OwnOutcomeDetail, OwnOutcomeSubmit, OwnOutcomeWithdraw = _own_views(
    Outcome, "outcomes"
)
OwnDemandList, OwnDemandDetail, OwnDemandSubmit, OwnDemandWithdraw = _own_views(
    Demand, "demands"
)


# -- 为您推荐 ----------------------------------------------------------------------


class RecommendationSerializer(serializers.Serializer):
    proposal_id = serializers.IntegerField()
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    terms = serializers.ListField(child=serializers.CharField())


class RecommendedForSerializer(serializers.Serializer):
    listing_id = serializers.IntegerField()
    listing_kind = serializers.CharField()
    listing_title = serializers.CharField()
    recommendations = RecommendationSerializer(many=True)


@extend_schema(
    summary="为您推荐: the matcher's proposals for my published items",
    responses={200: RecommendedForSerializer(many=True), **errors(401, 429)},
    tags=["mine"],
)
class MyProposals(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RecommendedForSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        found = recommendations(permissions.member_organisation_ids(request.user))
        data = [
            {
                "listing_id": entry.listing.pk,
                "listing_kind": entry.listing.kind,
                "listing_title": entry.listing.title,
                "recommendations": [
                    {
                        "proposal_id": r.proposal.pk,
                        "kind": r.other.kind,
                        "id": r.other.pk,
                        "title": r.other.title,
                        "score": r.score,
                        "reasons": [str(reason) for reason in r.reasons],
                        "terms": r.terms,
                    }
                    for r in entry.recommendations
                ],
            }
            for entry in found
        ]
        return Response(data)
