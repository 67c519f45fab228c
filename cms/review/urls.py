"""URLs of the expert review, mounted at /review/ under the namespace ``review``."""

from django.urls import path

from cms.review import views

app_name = "review"

urlpatterns = [
    path("", views.expert_home, name="home"),
    path("<int:challenge_id>/", views.panel, name="panel"),
    path("<int:challenge_id>/declare/", views.declare, name="declare"),
    path(
        "<int:challenge_id>/applications/<int:application_id>/",
        views.application_page,
        name="application",
    ),
    path(
        "<int:challenge_id>/applications/<int:application_id>/proposal.pdf",
        views.proposal_download,
        name="proposal",
    ),
    path("<int:challenge_id>/my-scores.csv", views.my_scores_export, name="export"),
    path("<int:challenge_id>/ranking/", views.ranking, name="ranking"),
    path("<int:challenge_id>/decision/", views.decide, name="decide"),
]
