"""The interface every search backend implements."""

from __future__ import annotations

from typing import Protocol


class SearchBackend(Protocol):
    """What the portal, the health check and the index sync need from a backend."""

    name: str

    def health(self) -> str:
        """A short description when the backend can answer; raises when it cannot."""
        ...
