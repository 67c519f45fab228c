"""The interface every search backend implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from search.documents import Change
from search.query import SearchRequest, SearchResults, Suggestion


class SearchBackend(Protocol):
    """What the portal, the API, the index sync and the commands need from a backend."""

    name: str

    def health(self) -> str:
        """A short description when the backend can answer; raises when it cannot."""
        ...

    def ensure_indices(self) -> None:
        """Create what must exist before the first write."""
        ...

    def kind_indices(self, kind: str) -> list[str]:
        """The indices a kind's searches read; more than one means doubled results."""
        ...

    def apply(self, changes: Iterable[Change]) -> set[int]:
        """Write the changes; the listing ids whose change was refused (retry later)."""
        ...

    def search(self, request: SearchRequest) -> SearchResults:
        """Hits, exact total and facet counts of ``request``."""
        ...

    def search_many(self, requests: list[SearchRequest]) -> list[SearchResults]:
        """Results of several requests, in order, in one round trip where possible."""
        ...

    def suggest(self, prefix: str, kind: str = "", size: int = 8) -> list[Suggestion]:
        """As-you-type suggestions: titles and keywords."""
        ...

    def vocabulary(self) -> dict[str, int]:
        """Indexed keywords and title words with document counts ("did you mean")."""
        ...

    def forget_vocabulary(self) -> None: ...

    def refresh(self) -> None:
        """Make every write searchable now (tests and commands only)."""
        ...

    def drop_all(self) -> None:
        """Delete every document and index of this deployment."""
        ...

    def stored_versions(self, kind: str) -> Iterator[tuple[int, int]]:
        """(listing id, version) of every stored document of ``kind``."""
        ...

    def stored_body(self, kind: str, listing_id: int) -> dict[str, Any] | None: ...

    def reindex(
        self,
        kind: str,
        bodies: Callable[[], Iterator[Change]],
        *,
        progress: Callable[[int], None] = ...,
        chunk_size: int = ...,
    ) -> dict[str, Any]:
        """Rebuild a kind's documents from ``bodies``; searches keep answering."""
        ...
