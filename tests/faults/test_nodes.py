"""The fault tests' own services are cleaned up even after an interrupted run."""

from __future__ import annotations

import subprocess

import pytest

from tests.faults.nodes import OWNER, RedisNode, new_base, reap_orphans

pytestmark = pytest.mark.faults


def test_services_left_by_an_interrupted_run_are_killed_and_removed():
    base = new_base()
    node = RedisNode(base)
    node.start()
    # The pytest process that owned them is gone (a finished child's pid).
    dead = subprocess.Popen(["true"])
    dead.wait()
    (base / OWNER).write_text(str(dead.pid))

    reaped = reap_orphans()

    assert not node.running
    assert not base.exists()
    assert any(str(node.directory) in line for line in reaped)
