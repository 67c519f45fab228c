"""The agents' proposal queue, mounted at /agents/proposals/ (namespace ``matching``)."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:proposal_id>/", views.compare, name="compare"),
    path("<int:proposal_id>/claim/", views.claim, name="claim"),
    path("<int:proposal_id>/release/", views.release, name="release"),
    path("<int:proposal_id>/reject/", views.reject, name="reject"),
    path("<int:proposal_id>/snooze/", views.snooze, name="snooze"),
    path("<int:proposal_id>/introduce/", views.introduce_view, name="introduce"),
]
