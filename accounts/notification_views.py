"""The notifications page (newest first; opening it marks what it shows as read) and
the page where a user chooses how each kind of notification reaches them."""

from __future__ import annotations

from http import HTTPStatus
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import NotificationPreferencesForm
from accounts.models import Notification, User
from accounts.notifications import mark_read
from accounts.services.notification_preferences import (
    current_preferences,
    save_preferences,
)
from market.params import parse_page

PAGE_SIZE = 30


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """List the user's notifications, newest first, and mark the shown ones read."""
    user_id = int(request.user.pk)  # type: ignore[arg-type]
    queryset = Notification.objects.for_user(user_id).order_by("-created_at", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(parse_page(request.GET.get("page")))
    items = list(page.object_list)
    # Rendered as they were ("new" badges), then marked read for the next visit.
    mark_read(user_id, [n.pk for n in items if n.read_at is None])
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "notifications": items},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How each kind of notification reaches the user: in the site, by email at once,
    in the daily digest, or not at all. A form with errors saves nothing."""
    user = cast(User, request.user)
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            save_preferences(user.pk, form.choices())
            messages.success(request, _("Your notification settings are saved."))
            return redirect("accounts:notification_preferences")
        status = HTTPStatus.BAD_REQUEST
    else:
        form = NotificationPreferencesForm(
            initial=NotificationPreferencesForm.initial_from(current_preferences(user))
        )
        status = HTTPStatus.OK
    return render(
        request,
        "accounts/notification_preferences.html",
        {"form": form, "groups": form.bound_groups()},
        status=status,
    )
