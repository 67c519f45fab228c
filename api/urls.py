"""The API's addresses under /api/ (namespace ``api``): version 1, the schema, the
interactive docs, and a JSON 404 for anything else under /api/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from api.views import agents, deals, own, public, statistics

app_name = "api"

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@api_view(ALL_METHODS)
@permission_classes([AllowAny])
def not_found(request: Request, rest: str = "") -> Response:
    """Any other address under /api/: 404 in the API's error format."""
    raise NotFound()


not_found.cls.schema = None  # type: ignore[attr-defined]

v1 = [
    path("outcomes/", public.OutcomeList.as_view(), name="outcomes"),
    path("outcomes/<int:pk>/", public.OutcomeDetail.as_view(), name="outcome"),
    path("demands/", public.DemandList.as_view(), name="demands"),
    path("demands/<int:pk>/", public.DemandDetail.as_view(), name="demand"),
    path("challenges/", public.ChallengeList.as_view(), name="challenges"),
    path("challenges/<int:pk>/", public.ChallengeDetail.as_view(), name="challenge"),
    path("search/", public.Search.as_view(), name="search"),
    path("my/outcomes/", own.OwnOutcomeList.as_view(), name="my_outcomes"),
    path("my/outcomes/<int:pk>/", own.OwnOutcomeDetail.as_view(), name="my_outcome"),
    path(
        "my/outcomes/<int:pk>/submit/",
        own.OwnOutcomeSubmit.as_view(),
        name="my_outcome_submit",
    ),
    path(
        "my/outcomes/<int:pk>/withdraw/",
        own.OwnOutcomeWithdraw.as_view(),
        name="my_outcome_withdraw",
    ),
    path("my/demands/", own.OwnDemandList.as_view(), name="my_demands"),
    path("my/demands/<int:pk>/", own.OwnDemandDetail.as_view(), name="my_demand"),
    path(
        "my/demands/<int:pk>/submit/",
        own.OwnDemandSubmit.as_view(),
        name="my_demand_submit",
    ),
    path(
        "my/demands/<int:pk>/withdraw/",
        own.OwnDemandWithdraw.as_view(),
        name="my_demand_withdraw",
    ),
    path("my/proposals/", own.MyProposals.as_view(), name="my_proposals"),
    path("introductions/", agents.IntroductionList.as_view(), name="introductions"),
    path(
        "introductions/<int:pk>/answer/",
        agents.IntroductionAnswer.as_view(),
        name="introduction_answer",
    ),
    path("deals/", deals.DealList.as_view(), name="deals"),
    path("deals/<int:pk>/", deals.DealDetail.as_view(), name="deal"),
    path("deals/<int:pk>/move/", deals.DealMove.as_view(), name="deal_move"),
    path("deals/<int:pk>/offers/", deals.DealOffers.as_view(), name="deal_offers"),
    path(
        "deals/<int:pk>/offers/<int:offer_pk>/accept/",
        deals.DealOfferAccept.as_view(),
        name="deal_offer_accept",
    ),
    path(
        "deals/<int:pk>/payments/", deals.DealPayments.as_view(), name="deal_payments"
    ),
    path(
        "deals/<int:pk>/comparables/",
        deals.DealComparables.as_view(),
        name="deal_comparables",
    ),
    path("deals/<int:pk>/notes/", deals.DealNotes.as_view(), name="deal_notes"),
    path(
        "deals/<int:pk>/follow-ups/",
        deals.DealFollowUps.as_view(),
        name="deal_follow_ups",
    ),
    path(
        "deals/<int:pk>/follow-ups/<int:follow_up_pk>/done/",
        deals.DealFollowUpDone.as_view(),
        name="deal_follow_up_done",
    ),
    path(
        "introductions/<int:pk>/deal/",
        deals.IntroductionDeal.as_view(),
        name="introduction_deal",
    ),
    path("statistics/", statistics.StatisticsList.as_view(), name="statistics"),
    path(
        "statistics/<str:figure>/",
        statistics.StatisticsFigure.as_view(),
        name="statistics_figure",
    ),
    path("agent/proposals/", agents.ProposalQueue.as_view(), name="proposals"),
    path("agent/proposals/<int:pk>/", agents.ProposalDetail.as_view(), name="proposal"),
    *[
        path(
            f"agent/proposals/<int:pk>/{name}/",
            view.as_view(),
            name=f"proposal_{name}",
        )
        for name, view in [
            ("claim", agents.ProposalClaim),
            ("release", agents.ProposalRelease),
            ("reject", agents.ProposalReject),
            ("snooze", agents.ProposalSnooze),
            ("introduce", agents.ProposalIntroduce),
        ]
    ],
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
