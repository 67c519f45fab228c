"""Search backends behind one interface; settings.SEARCH_BACKEND picks one."""

from __future__ import annotations

from django.conf import settings

from search.backends.base import SearchBackend
from search.backends.common import SearchUnavailable


def get_backend(name: str | None = None) -> SearchBackend:
    """The configured backend, or the one called ``name`` (light objects; clients cached)."""
    if (name or settings.SEARCH_BACKEND) == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from search.backends.embedded import EmbeddedBackend

    return EmbeddedBackend()


__all__ = ["SearchBackend", "SearchUnavailable", "get_backend"]
