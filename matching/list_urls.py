"""Agents' lists, mounted at /agents/matching/ under the namespace ``matching_lists``."""

from django.urls import path

from matching import list_views

app_name = "matching_lists"

urlpatterns = [
    path("needs-an-agent/", list_views.needs_an_agent, name="needs_an_agent"),
    path("needs-an-agent/<int:gap_id>/take/", list_views.take_gap, name="take_gap"),
    path(
        "needs-an-agent/<int:gap_id>/release/",
        list_views.release_gap_view,
        name="release_gap",
    ),
    path("decisions/", list_views.decisions_export, name="decisions_export"),
]
