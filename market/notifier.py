"""Telling users something, as the apps that may not import ``accounts`` ask it.

``accounts`` owns the notifier (channels per user and kind, email, digest) and
registers it from its ``AppConfig.ready()``; ``search`` (saved searches) and later
apps call ``notify`` here instead of importing ``accounts``. With no notifier
registered nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Notifier = Callable[..., Any]

_notifier: Notifier | None = None


def register_notifier(notifier: Notifier | None) -> None:
    """Set the function ``(user_ids, *, kind, subject, body, url)`` that tells users."""
    global _notifier
    _notifier = notifier


def notify(
    user_ids: Iterable[int], *, kind: str, subject: str, body: str, url: str = ""
) -> None:
    """Tell the users (through their preferences for ``kind``); nothing without a notifier."""
    if _notifier is not None:
        _notifier(user_ids, kind=kind, subject=subject, body=body, url=url)
