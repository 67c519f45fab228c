"""Parties' answers to introductions, under the namespace ``matching_answers``."""

from django.urls import path

from matching import answer_views

app_name = "matching_answers"

urlpatterns = [
    path("<int:introduction_id>/answer/", answer_views.answer, name="answer"),
    path("<int:introduction_id>/deal/", answer_views.start_deal_view, name="deal"),
]
