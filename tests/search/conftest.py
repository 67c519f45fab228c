"""Fixtures of the search tests: each backend, clean indices, indexing on demand."""

from __future__ import annotations

import pytest

from search.backends import get_backend
from search.sync import drain_all, record_changes


def _clean_backend(settings, name: str):
    """The backend called ``name``, with empty indices before and after the test."""
    settings.SEARCH_BACKEND = name
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    engine.forget_vocabulary()
    yield engine
    engine.drop_all()
    engine.forget_vocabulary()


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend(request, settings, db):
    """Each backend in turn, with empty indices (Elasticsearch: this worker's prefix)."""
    yield from _clean_backend(settings, request.param)


@pytest.fixture
def es_backend(settings, db):
    """The Elasticsearch backend alone, with empty indices."""
    yield from _clean_backend(settings, "elasticsearch")


@pytest.fixture
def index_now():
    """Record the listings as changed, drain the outbox and make it searchable."""

    def index_now(*listings) -> None:
        record_changes([listing.pk for listing in listings])
        drain_all()
        engine = get_backend()
        engine.refresh()
        engine.forget_vocabulary()

    return index_now
