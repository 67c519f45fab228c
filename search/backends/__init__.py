"""Search backends behind one interface; settings.SEARCH_BACKEND picks one."""

from __future__ import annotations

from django.conf import settings

from search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    """The configured backend (a new light object each call; clients are cached)."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    from search.backends.embedded import EmbeddedBackend

    return EmbeddedBackend()


__all__ = ["SearchBackend", "get_backend"]
