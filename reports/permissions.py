"""Who reads which statistics."""

from __future__ import annotations

from typing import Any

from reports.figures import FigureSpec

DASHBOARD_PERMISSION = "reports.view_dashboard"


def can_view_dashboard(user: Any) -> bool:
    """Managers, moderators and administrators (roles), and superusers."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        DASHBOARD_PERMISSION
    )


def can_read_figure(user: Any, spec: FigureSpec) -> bool:
    """Public figures for everyone, the others for the dashboard's readers."""
    return spec.public or can_view_dashboard(user)
