"""Account URLs: sign-up, verification, log-in/out, password reset, profile, organisation, notifications."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import membership_views, notification_views, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.verification_sent, name="verification_sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path(
        "verification/resend/",
        views.resend_verification_view,
        name="resend_verification",
    ),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("organisation/", membership_views.organisation, name="organisation"),
    path(
        "organisation/requests/<int:request_id>/withdraw/",
        membership_views.withdraw_request,
        name="membership_withdraw",
    ),
    path(
        "organisation/requests/<int:request_id>/decide/",
        membership_views.decide_request,
        name="membership_decide",
    ),
    path(
        "organisation/members/<int:membership_id>/role/",
        membership_views.change_role,
        name="member_role",
    ),
    path(
        "organisation/members/<int:membership_id>/remove/",
        membership_views.remove_member,
        name="member_remove",
    ),
    path(
        "notifications/",
        notification_views.notifications,
        name="notifications",
    ),
    path(
        "notifications/settings/",
        notification_views.preferences,
        name="notification_preferences",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
