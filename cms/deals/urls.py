"""Deal pages, mounted at /deals/ under the namespace ``deals``."""

from django.urls import path

from cms.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("new/", views.deal_create, name="create"),
    path("from-challenge/<int:challenge_pk>/", views.from_award, name="from_award"),
    path("<int:pk>/", views.deal_detail, name="detail"),
    path("<int:pk>/move/<slug:action>/", views.move, name="move"),
    path("<int:pk>/amounts/", views.amounts, name="amounts"),
    path("<int:pk>/offers/", views.offer, name="offer"),
    path("<int:pk>/offers/<int:offer_pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/documents/", views.upload, name="upload"),
    path("<int:pk>/payments/", views.payment, name="payment"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/follow-ups/", views.follow_up, name="follow_up"),
    path(
        "<int:pk>/follow-ups/<int:follow_up_pk>/done/",
        views.follow_up_done,
        name="follow_up_done",
    ),
]
