"""Fixtures of the matching tests: the search tests' backends and indexing."""

from tests.search.conftest import backend, es_backend, index_now  # noqa: F401
