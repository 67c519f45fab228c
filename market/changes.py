"""What an owner's pending changes alter: the live value and the proposed one per field.

A read for the review queue and the owner's workbench; the write side is in
market.services.listings (publish_changes, reject_changes, discard_changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags
from django.utils.text import capfirst

from market.models import IPRightKind, Listing, Outcome
from market.services.listings import content_fields, pending_children, pending_draft


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
    changes += _child_changes(live)
    return changes


def _child_changes(live: Listing) -> list[FieldChange]:
    """An outcome's IP rights, images and attachments the changes alter."""
    from django.utils.translation import gettext as _

    children = pending_children(live)
    if not isinstance(live, Outcome) or not children:
        return []
    changes = []
    if "_ip_rights" in children:
        old = "\n".join(
            f"{right.get_kind_display()} {right.number} {right.title}".strip()
            for right in live.ip_rights.all()
        )
        kinds = dict(IPRightKind.choices)
        new = "\n".join(
            f"{kinds.get(row['kind'], row['kind'])} {row['number']} {row['title']}".strip()
            for row in children["_ip_rights"]
        )
        if old != new:
            changes.append(FieldChange("ip_rights", _("IP rights"), old, new))
    for name, label, added, removed in (
        ("gallery", _("Gallery"), "_gallery_add", "_gallery_remove"),
        ("attachments", _("Attachments"), "_attachments_add", "_attachments_remove"),
    ):
        plus, minus = len(children.get(added, [])), len(children.get(removed, []))
        if plus or minus:
            changes.append(
                FieldChange(
                    name,
                    str(label),
                    "",
                    _("%(added)s to add, %(removed)s to remove")
                    % {"added": plus, "removed": minus},
                )
            )
    return changes
