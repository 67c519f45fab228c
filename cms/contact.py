"""The "contact a transfer agent" page: the service desk and the ways agents help."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach the platform's transfer agents (nothing personal: same for all)."""
    return render(
        request,
        "cms/contact.html",
        {"service_desk_email": getattr(settings, "SERVICE_DESK_EMAIL", "")},
    )
