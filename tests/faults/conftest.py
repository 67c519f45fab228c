"""Fixtures of the fault tests: Elasticsearch nodes and Redis servers of their own that
the tests really stop and kill (the shared services of scripts/services.sh are never
touched), the app pointed at them, and the figures the tests measure.

Elasticsearch node "a" takes 20–30 s to start on two cores, so it is started in the
background as soon as the first fault test runs (if any selected test needs it), while
the tests that need no Elasticsearch go first. It forms a cluster of its own (master
and data); node "b" (data only) joins it for the two-node test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.faults.nodes import (
    ElasticsearchNode,
    RedisNode,
    free_port,
    new_base,
    reap_orphans,
    remove,
)

FIGURES = pytest.StashKey[list[str]]()
NEEDS_ELASTICSEARCH = {"elasticsearch_node", "elasticsearch_pair"}


class FaultServices:
    """The services of this test session, with their data under one directory."""

    def __init__(self) -> None:
        self.base = new_base()
        cluster = f"techmatch-faults-{os.getpid()}"
        seeds = (free_port(), free_port())
        common = {"cluster": cluster, "seeds": seeds, "masters": "a"}
        self.es_a = ElasticsearchNode(
            self.base / "es-a",
            name="a",
            roles="master,data",
            transport_port=seeds[0],
            **common,  # type: ignore[arg-type]
        )
        self.es_b = ElasticsearchNode(
            self.base / "es-b",
            name="b",
            roles="data",
            transport_port=seeds[1],
            **common,  # type: ignore[arg-type]
        )
        self.redis: list[RedisNode] = []

    def new_redis(self) -> RedisNode:
        node = RedisNode(self.base)
        self.redis.append(node)
        return node

    def close(self) -> None:
        remove(self.base, [self.es_b, self.es_a, *self.redis])


@pytest.fixture(scope="session")
def fault_services() -> Iterator[FaultServices]:
    reap_orphans()  # left by an interrupted earlier run
    services = FaultServices()
    try:
        yield services
    finally:
        services.close()


@pytest.fixture(scope="session", autouse=True)
def _boot_elasticsearch_early(request, fault_services) -> None:
    if any(
        NEEDS_ELASTICSEARCH & set(getattr(item, "fixturenames", ()))
        for item in request.session.items
    ):
        fault_services.es_a.start()


@pytest.fixture
def report_figure(request) -> Callable[[str], None]:
    """Print a measured figure now (whatever the capture mode) and in the summary."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    figures = request.config.stash.setdefault(FIGURES, [])

    def report(text: str) -> None:
        figures.append(f"{request.node.name}: {text}")
        if reporter is not None:
            reporter.write_line(f"[faults] {text}")

    return report


def pytest_terminal_summary(terminalreporter, config) -> None:
    figures = config.stash.get(FIGURES, [])
    if figures:
        terminalreporter.section("Faults: measured figures")
        for line in figures:
            terminalreporter.write_line(line)


def _drop_indices() -> None:
    from search.backends import get_backend

    get_backend().drop_all()


@pytest.fixture
def elasticsearch_node(fault_services, settings, report_figure):
    """Node "a" alone, running; the app (and workers given its URL) use it."""
    node = fault_services.es_a
    fault_services.es_b.kill()
    waited = node.wait_ready()
    if waited > 1:
        report_figure(f"elasticsearch node a ready after {waited:.1f} s more")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = node.url
    settings.SEARCH_INDEX_REPLICAS = 0
    _drop_indices()
    yield node
    if node.running:
        _drop_indices()


@pytest.fixture
def elasticsearch_pair(fault_services, settings, report_figure):
    """Nodes "a" and "b" in one cluster; the app knows both, indices have a replica."""
    a, b = fault_services.es_a, fault_services.es_b
    a.wait_ready()
    waited = b.wait_ready(nodes=2)
    report_figure(f"two-node cluster formed ({waited:.1f} s to start node b)")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"{a.url},{b.url}"
    settings.SEARCH_INDEX_REPLICAS = 1
    _drop_indices()
    yield a, b
    if a.running:
        _drop_indices()


@pytest.fixture
def redis_node(fault_services):
    """A Redis server of this test alone, running; killed afterwards."""
    node = fault_services.new_redis()
    node.start()
    yield node
    node.kill()
