"""URLs of the workbench, namespace ``workbench``."""

from django.urls import path

from cms.workbench import challenge_views, delivery_views, views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("outcomes/new/", views.outcome_create, name="outcome_create"),
    path("outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path("demands/new/", views.demand_create, name="demand_create"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path(
        "<slug:kind>/completeness/",
        views.completeness_check,
        name="completeness",
    ),
    path("<slug:kind>/<int:pk>/preview/", views.preview, name="preview"),
    path(
        "listings/<int:pk>/submit/",
        views.listing_action,
        {"action": "submit"},
        name="submit",
    ),
    path(
        "listings/<int:pk>/withdraw/",
        views.listing_action,
        {"action": "withdraw"},
        name="withdraw",
    ),
    path(
        "listings/<int:pk>/renew/",
        views.listing_action,
        {"action": "renew"},
        name="renew",
    ),
    path(
        "listings/<int:pk>/discard-changes/",
        views.discard_changes_view,
        name="discard_changes",
    ),
    path(
        "listings/<int:pk>/archive/",
        views.listing_action,
        {"action": "archive"},
        name="archive",
    ),
]

# Challenges (我的榜单) and applications (我的揭榜申请); see challenge_views.
urlpatterns += [
    path("challenges/", challenge_views.challenge_list, name="challenge_list"),
    path("challenges/new/", challenge_views.challenge_create, name="challenge_create"),
    path(
        "challenges/from-demand/",
        challenge_views.challenge_promote,
        name="challenge_promote",
    ),
    path(
        "challenges/<int:pk>/",
        challenge_views.challenge_detail,
        name="challenge_detail",
    ),
    path(
        "challenges/<int:pk>/edit/",
        challenge_views.challenge_edit,
        name="challenge_edit",
    ),
    *[
        path(
            f"challenges/<int:pk>/{action.replace('_', '-')}/",
            challenge_views.challenge_action,
            {"action": action},
            name=f"challenge_{action}",
        )
        for action in ("submit", "recall", "withdraw", "start_review")
    ],
    path(
        "challenges/<int:pk>/apply/",
        challenge_views.application_create,
        name="application_create",
    ),
    path("applications/", challenge_views.application_list, name="application_list"),
    path(
        "applications/<int:pk>/",
        challenge_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/edit/",
        challenge_views.application_edit,
        name="application_edit",
    ),
    path(
        "applications/<int:pk>/submit/",
        challenge_views.application_submit,
        name="application_submit",
    ),
]

# The delivery of an awarded challenge (交付与验收 · 兑现); see delivery_views.
urlpatterns += [
    path(
        "challenges/<int:pk>/delivery/",
        delivery_views.delivery,
        name="delivery",
    ),
    path(
        "challenges/<int:pk>/delivery/start/",
        delivery_views.delivery_start,
        name="delivery_start",
    ),
    path(
        "challenges/<int:pk>/delivery/milestones/",
        delivery_views.delivery_milestones,
        name="delivery_milestones",
    ),
    path(
        "challenges/<int:pk>/delivery/milestones/<int:milestone_pk>/accept/",
        delivery_views.milestone_accept,
        name="milestone_accept",
    ),
    path(
        "challenges/<int:pk>/delivery/accept/",
        delivery_views.final_acceptance,
        name="final_acceptance",
    ),
    path(
        "challenges/<int:pk>/delivery/payouts/new/",
        delivery_views.payout_create,
        name="payout_create",
    ),
    path(
        "challenges/<int:pk>/delivery/pay-out/",
        delivery_views.pay_out,
        name="pay_out",
    ),
]
