"""A challenge's proposed solvers, mounted at /challenges/<challenge_id>/solvers/."""

from django.urls import path

from matching import solver_views

app_name = "solvers"

urlpatterns = [
    path("", solver_views.solver_list, name="list"),
    path("refresh/", solver_views.refresh, name="refresh"),
    path("<int:organisation_id>/invite/", solver_views.invite, name="invite"),
]
