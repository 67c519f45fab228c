"""The matcher on part of the labelled evaluation set (docs/matching.md, "Evaluation"):
the combination keeps its measured quality on both backends and beats lexical alone."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.demo import load_demo
from bench import match_evaluation as me

pytestmark = pytest.mark.django_db

# Every other case of the set (41 of 82: demo demands, written ones of every category).
CASES = me.load_cases()[::2]
# A little below what the combination measured on these cases when this was written
# (nDCG@10 embedded 0.868, Elasticsearch 0.854; MRR 0.949 on both): a change to the
# matcher or the search that loses quality fails here.
NDCG_FLOOR = 0.83
MRR_FLOOR = 0.92
# The combination measured 0.003 (embedded) and 0.018 (Elasticsearch) above the best
# single component on these cases; this much below it fails.
BEST_SINGLE_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo catalogue and the cases' demands, loaded once and rolled back after."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("match-eval-media")),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            me.create_demands(CASES)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module", params=["embedded", "elasticsearch"])
def result(request, demo, django_db_blocker):
    """The evaluation of the cases on one backend (indexed and trained for it)."""
    with django_db_blocker.unblock(), override_settings(SEARCH_BACKEND=request.param):
        me.prepare_backend()
        try:
            yield me.evaluate(CASES)
        finally:
            me.drop_backend()


def test_match_eval_set_is_large_and_graded():
    cases = me.load_cases()
    assert len(cases) >= 60
    assert all(0 <= grade <= 3 for case in cases for grade in case["grades"].values())
    assert {"demo", "direct", "synonym", "homonym", "none"} <= {
        case["category"] for case in cases
    }


def test_match_eval_combination_keeps_its_quality(result):
    combined = result["metrics"]["combination"]
    assert combined["ndcg@10"] >= NDCG_FLOOR
    assert combined["mrr"] >= MRR_FLOOR
    assert combined["recall@20"] == 1.0


def test_match_eval_combination_beats_lexical_alone(result):
    """Issue 10's 1.3× lexical cannot hold since issue 13 made the lexical ranking
    itself strong (nDCG@10 ≈ 0.80: 1.3× would exceed 1); the combination must still
    beat it and stay with the best single component (docs/matching.md, "Targets")."""
    metrics = result["metrics"]
    assert metrics["combination"]["ndcg@10"] >= metrics["lexical"]["ndcg@10"]
    best_single = max(
        metrics[c]["ndcg@10"] for c in ("lexical", "semantic", "compatibility")
    )
    assert metrics["combination"]["ndcg@10"] >= best_single - BEST_SINGLE_TOLERANCE


def test_match_eval_gaps_are_the_demands_without_a_good_outcome(result):
    """Coverage: a demand with a good outcome is served (not on the agents' list), one
    without is listed. Measured: served 0.913 / 0.957, listed 0.833 / 0.667 (embedded /
    Elasticsearch); the old rule (any three shared words) listed 0.111 / 0.056."""
    assert result["coverage_of_demands_with_a_good_outcome"] >= 0.85
    assert result["gaps_noted_for_demands_without_one"] >= 0.6


def test_match_eval_metrics():
    grades = {1: 3, 2: 1, 3: 2}
    assert me.ndcg_at([1, 3, 2], grades) == pytest.approx(1.0)
    assert me.ndcg_at([9, 8, 7], grades) == 0.0
    assert me.reciprocal_rank([2, 9, 3, 1], grades) == pytest.approx(1 / 3)
    assert me.recall_at([3, 9], grades, k=20) == pytest.approx(0.5)
