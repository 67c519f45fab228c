"""URLs of the workbench, namespace ``workbench``."""

from django.urls import path

from cms.workbench import views

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
