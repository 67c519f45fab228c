"""Fixtures of the matching tests: the search tests' backends and indexing, and the
portal tests' people."""

from tests.cms.conftest import owner, owner_org, role_groups, stranger  # noqa: F401
from tests.search.conftest import backend, es_backend, index_now  # noqa: F401
