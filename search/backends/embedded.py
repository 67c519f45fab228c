"""The embedded backend of `make run`: runs inside the web process, needs no server."""

from __future__ import annotations


class EmbeddedBackend:
    """Searches the database directly (the catalogue issue gives it documents)."""

    name = "embedded"

    def health(self) -> str:
        return "embedded (in-process)"
