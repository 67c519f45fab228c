"""The notifications page: newest first; opening it marks what it shows as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Notification
from accounts.notifications import mark_read
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
