"""The learned re-ranker on the evaluation set, with its grades standing in for agents.

No agent has decided a proposal yet, so the graded set (docs/matching.md, "The
evaluation set") plays the agents: each demand's 20 hand-weighted proposals are
"accepted" when graded ≥ 2 and "rejected" otherwise. Two measurements, on the embedded
backend over the demo catalogue (same scratch database as bench/match_eval.py):

1. ``matching.engine.rerank.train`` on every case's decisions: its own held-out
   evaluation (one proposal in four, by hash), hand total vs learned score;
2. held out by demand: fitted on the even cases' decisions, then made active, and the
   odd cases ranked again through the refresh's path (``score_item``: hand top 100,
   re-ranked, top 20): nDCG@10 and MRR against the hand weights on the same cases.

    .venv/bin/python bench/match_rerank_eval.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.test import override_settings
from django.utils import timezone

import bench.match_eval as match_eval  # points Django at the scratch database, sets up
from bench import match_evaluation as me
from matching.engine import rerank
from matching.items import match_items
from matching.models import RerankerModel
from matching.services.proposals import score_item


def decisions(cases: list[dict[str, object]]) -> list[rerank.Example]:
    """Each case's hand top 20 as decisions: accepted when graded ≥ 2."""
    today = timezone.localdate()
    demands = me.demand_ids(cases)
    outcomes = me.outcome_ids()
    items = match_items(demands.values())
    examples = []
    for case in cases:
        demand = demands[str(case["id"])]
        grades = {
            outcomes[ext]: int(g)
            for ext, g in case["grades"].items()  # type: ignore[attr-defined]
        }
        scored, _ = score_item(items[demand], today)
        for entry in scored:
            examples.append(
                rerank.Example(
                    proposal_id=demand * 1_000_000 + entry.candidate_id,
                    group=demand,
                    features=entry.components,
                    hand_total=entry.total,
                    accepted=grades.get(entry.candidate_id, 0) >= me.RELEVANT,
                )
            )
    return examples


def summary(result: dict[str, object]) -> dict[str, object]:
    metrics = result["metrics"]
    assert isinstance(metrics, dict)
    return {k: metrics["combination"][k] for k in ("ndcg@10", "mrr", "recall@20")}


def main() -> None:
    cases = me.load_cases()
    match_eval.prepare(cases)
    report: dict[str, object] = {}
    with override_settings(**match_eval.BACKENDS["embedded"]):
        RerankerModel.objects.all().delete()
        me.prepare_backend()
        try:
            started = time.monotonic()
            examples = decisions(cases)
            everything = rerank.train(examples)
            report["all_cases"] = {
                "decisions": len(examples),
                "accepted": sum(e.accepted for e in examples),
                "seconds": round(time.monotonic() - started, 1),
                "evaluation": everything.evaluation,
            }
            even, odd = cases[::2], cases[1::2]
            fitted = rerank.train(decisions(even))
            hand = me.evaluate(odd)
            RerankerModel.objects.create(
                version=fitted.reranker.version,
                features=list(fitted.reranker.features),
                weights=list(fitted.reranker.weights),
                bias=fitted.reranker.bias,
                decisions=fitted.evaluation["train"],  # type: ignore[arg-type]
                evaluation=fitted.evaluation,
                is_active=True,
            )
            learned = me.evaluate(odd)
            report["by_demand"] = {
                "trained_on_cases": len(even),
                "evaluated_on_cases": len(odd),
                "own_evaluation": fitted.evaluation,
                "weights": dict(
                    zip(fitted.reranker.features, fitted.reranker.weights, strict=True)
                ),
                "hand": summary(hand),
                "learned": summary(learned),
            }
        finally:
            RerankerModel.objects.all().delete()
            me.drop_backend()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
