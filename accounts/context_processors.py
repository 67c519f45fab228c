"""Template context for every page: the signed-in user's unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.notifications import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: counted only when a template uses it (a callable)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    user_id = user.pk
    cache: dict[str, int] = {}

    def count() -> int:
        # Templates call it; the base template may ask twice (badge and label).
        if "n" not in cache:
            cache["n"] = unread_count(user_id)
        return cache["n"]

    return {"unread_notifications": count}
