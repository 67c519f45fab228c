"""Suite-wide fixtures. Services come from scripts/services.sh (see README)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another or into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
