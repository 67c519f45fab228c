"""The portal's panel seam: other apps add panels to portal pages without cms importing them.

A page template names a *slot* with ``{% panels "listing_detail_aside" listing=listing %}``;
an app registers functions for that slot from its ``AppConfig.ready()`` (``matching``
will add its proposals this way)::

    from cms.panels import register_panel

    register_panel("listing_detail_aside", proposals_panel)

A panel is ``fn(request, **context) -> str | None``: HTML (a ``SafeString``, e.g. from
``render_to_string``; plain text is escaped) or nothing. A panel that raises is logged
and left out: the page still answers. Panels on a page the page cache keeps
(the listing detail page, for anonymous visitors) must not depend on who asks, and
their app calls :func:`related_changed` when what they show changes: the cached
detail pages are then built afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

Panel = Callable[..., Any]

# The slots portal templates offer, and where they are.
SLOTS: dict[str, str] = {
    "listing_detail_aside": "cms/listing_detail.html, below the contact details",
    "workbench_home": "workbench/home.html, below the list of listings",
    "agent_workspace": "the agents' workspace page",
    "agent_pipeline": "deals/pipeline.html, the agent's pipeline board, above the columns",
    "conversation_thread": "engagement/conversation.html, above the messages",
    "challenge_workbench": "workbench/challenges/detail.html, the issuer's view of a challenge",
}

_panels: dict[str, list[tuple[int, Panel]]] = {}


def register_panel(slot: str, panel: Panel, *, order: int = 0) -> Panel:
    """Show ``panel`` in ``slot`` (lower ``order`` first); usable as a decorator's body."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}; known: {', '.join(SLOTS)}")
    entries = _panels.setdefault(slot, [])
    if all(existing is not panel for _, existing in entries):
        entries.append((order, panel))
        entries.sort(key=lambda entry: entry[0])
    return panel


def related_changed() -> None:
    """What panels show beside listings changed: retire the cached detail pages.

    Called on commit (or at once outside a transaction).
    """
    from cms.cache import bump_related_version

    transaction.on_commit(bump_related_version)


def unregister_panel(slot: str, panel: Panel) -> None:
    """Remove ``panel`` from ``slot`` (tests, or an app switched off)."""
    _panels[slot] = [entry for entry in _panels.get(slot, []) if entry[1] is not panel]


def panels_for(slot: str) -> list[Panel]:
    """The panels registered for ``slot``, in order."""
    return [panel for _, panel in _panels.get(slot, [])]


def render_panels(slot: str, request: HttpRequest | None, **context: Any) -> SafeString:
    """The HTML of every panel of ``slot``; a failing panel is logged and skipped."""
    parts: list[str] = []
    for panel in panels_for(slot):
        try:
            html = panel(request, **context)
        except Exception:
            logger.exception("Panel %r of slot %r failed; left out", panel, slot)
            continue
        if html:
            parts.append(str(conditional_escape(html)))
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped or safe above
