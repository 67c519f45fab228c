"""What an owner's pending changes alter: the live value and the proposed one per field.

A read for the review queue and the owner's workbench; the write side is in
market.services.listings (publish_changes, reject_changes, discard_changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags
from django.utils.text import capfirst

from market.models import Listing
from market.services.listings import content_fields, pending_draft


@dataclass(frozen=True)
class FieldChange:
    """One field the changes alter, as text for people."""

    name: str
    label: str
    live: str
    proposed: str


def _text(listing: Listing, model_field: Any) -> str:
    if model_field.choices:
        return str(getattr(listing, f"get_{model_field.name}_display")() or "")
    value = getattr(listing, model_field.name)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    text = str(value)
    if "<" in text:
        text = strip_tags(text)
    return text


def pending_changes(listing: Listing) -> list[FieldChange]:
    """The fields whose proposed value differs from the live one (modes included)."""
    live = listing.get_specific()
    draft = pending_draft(live)
    if draft is None:
        return []
    changes = []
    for model_field in content_fields(live):
        old, new = _text(live, model_field), _text(draft, model_field)
        if old != new:
            changes.append(
                FieldChange(
                    model_field.name,
                    str(capfirst(model_field.verbose_name)),
                    old,
                    new,
                )
            )
    old_modes = "、".join(str(m) for m in live.modes.all())
    new_modes = "、".join(str(m) for m in getattr(draft, "pending_modes", []))
    if old_modes != new_modes:
        label = str(capfirst(Listing._meta.get_field("modes").verbose_name))
        changes.append(FieldChange("modes", label, old_modes, new_modes))
    return changes
