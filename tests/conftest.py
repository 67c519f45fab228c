"""Suite-wide fixtures. Services come from scripts/services.sh (see README)."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """A cache namespace per test: cached pages never leak into the next test or run."""
    default = dict(settings.CACHES["default"])
    default["KEY_PREFIX"] = (
        f"{default.get('KEY_PREFIX', 'test')}-{uuid.uuid4().hex[:12]}"
    )
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another or into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the post-migration snapshot for tests with ``serialized_rollback=True``.

    Django stores the snapshot on the connection object, but connection objects are
    context-local and the one of a later test may be a new object without it: the
    transactional tests then flush the rows data migrations created (home page, site,
    technology fields, regions) and never restore them. Keeping the snapshot on the
    backend class makes every connection object of this run find it.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot:
            type(connection)._test_serialized_contents = snapshot
