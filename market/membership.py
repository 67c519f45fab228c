"""Who belongs to which organisation, as the market asks it: one pluggable question.

Memberships are kept by ``accounts`` (requests, approvals, roles); the market needs
only "which organisations does this user actively belong to". Rather than following
a reverse relation that ``accounts`` defines (``user.memberships``), the market asks
the source ``accounts`` registers from its ``AppConfig.ready()``. With no source
registered nobody belongs anywhere: permissions fail closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MembershipSource = Callable[[int], Iterable[int]]

_source: MembershipSource | None = None


def register_membership_source(source: MembershipSource | None) -> None:
    """Set the function answering ``user id → ids of organisations it actively belongs to``."""
    global _source
    _source = source


def active_organisation_ids(user_id: int) -> set[int]:
    """Ids of the organisations user ``user_id`` actively belongs to."""
    return set(_source(user_id)) if _source is not None else set()
