"""/statistics/: the public summary, the managers' dashboard, figures as data."""

from django.urls import path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.public_summary, name="public"),
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^data/(?P<name>[a-z_]{1,60})\.(?P<fmt>json|csv|xlsx)$",
        views.figure_data,
        name="data",
    ),
]
