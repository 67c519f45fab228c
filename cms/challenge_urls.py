"""URLs of the public challenge pages: board, details, announcements, campaigns,
honour list."""

from django.urls import path

from cms import challenges

app_name = "challenges"

urlpatterns = [
    path("", challenges.board, name="board"),
    path("honours/", challenges.honours, name="honours"),
    path("campaigns/<int:pk>/", challenges.campaign, name="campaign"),
    path("<int:pk>/", challenges.detail, name="detail"),
    path("<int:pk>/announcement/", challenges.announcement, name="announcement"),
]
