"""The matcher's panel in the agents' workspace: the queue's link and pending count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from matching.permissions import can_review
from matching.selectors import pending_count


def workspace_panel(request: HttpRequest | None, **context: Any) -> str | None:
    """A link to the proposals queue with how many wait (reviewers only)."""
    if request is None or not can_review(request.user):
        return None
    return render_to_string(
        "matching/_workspace_panel.html",
        {"pending": pending_count(request.user)},
        request=request,
    )
