"""Engagement URLs, mounted at /engage/ under the namespace ``engage``."""

from django.urls import path

from cms.engagement import conversation_views, views

app_name = "engage"

urlpatterns = [
    path(
        "conversations/",
        conversation_views.conversation_list,
        name="conversations",
    ),
    path(
        "conversations/<int:conversation_id>/",
        conversation_views.conversation,
        name="conversation",
    ),
    path(
        "conversations/<int:conversation_id>/close/",
        conversation_views.close,
        name="conversation_close",
    ),
    path(
        "conversations/<int:conversation_id>/reopen/",
        conversation_views.reopen_view,
        name="conversation_reopen",
    ),
    path(
        "conversations/<int:conversation_id>/claim/",
        conversation_views.claim,
        name="conversation_claim",
    ),
    path(
        "conversations/<int:conversation_id>/notes/",
        conversation_views.add_note,
        name="conversation_note",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path(
        "listings/<int:listing_id>/details/",
        views.protected_details,
        name="details",
    ),
    path("listings/<int:listing_id>/interest/", views.interest, name="interest"),
    path(
        "listings/<int:listing_id>/access-log/",
        views.access_log,
        name="access_log",
    ),
    path("access/<int:request_id>/decide/", views.decide_access, name="access_decide"),
    path("access/<int:request_id>/revoke/", views.revoke_access, name="access_revoke"),
    path("interest/<int:request_id>/", views.interest_detail, name="interest_detail"),
    path(
        "interest/<int:request_id>/answer/",
        views.answer_interest,
        name="interest_answer",
    ),
    path(
        "interest/<int:request_id>/decline/",
        views.decline_interest,
        name="interest_decline",
    ),
]
