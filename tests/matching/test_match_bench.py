"""The matching benchmark runs end to end at a tiny size and reports every figure
(no timing is asserted: the figures are recorded in docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
STAGES = {"items", "vectors", "lexical", "semantic", "candidates", "scoring", "write"}


def bench_environment() -> dict[str, str]:
    """This test worker's own database, Redis db and index prefix, for the bench."""
    db = settings.DATABASES["default"]
    return os.environ | {
        "BENCH_MATCH_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
            f"{db['NAME']}_matchbench"
        ),
        "BENCH_MATCH_REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "BENCH_MATCH_INDEX_PREFIX": f"{settings.SEARCH_INDEX_PREFIX}-matchbench",
    }


def test_match_bench_reports_every_figure_on_both_backends():
    answer = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "match_bench.py"),
            "--outcomes=40",
            "--demands=20",
            "--chunk=20",
            "--edits=3",
        ],
        env=bench_environment(),
        cwd=ROOT,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr.decode()[-3000:]
    report = json.loads(answer.stdout)
    assert set(report["backends"]) == {"elasticsearch", "embedded"}
    for figures in report["backends"].values():
        assert (figures["outcomes"], figures["demands"]) == (40, 20)
        assert figures["training_seconds"] > 0
        assert figures["full_refresh"]["proposals"] > 0
        assert set(figures["full_refresh"]["stages"]) >= STAGES
        assert figures["baseline"]["seconds"] > 0
        assert figures["ratio_to_baseline"] > 0
        celery = figures["celery"]
        assert celery["one_worker"]["seconds"] > 0
        assert len(celery["two_workers"]["peak_rss_mib"]) == 2
        assert celery["wall_ratio_two_to_one"] > 0
        assert figures["peak_worker_rss_mib"] > 0
        assert figures["incremental"]["edits"] == 3
        assert figures["incremental"]["p95_ms"] > 0
