"""The matcher's evaluation over the labelled set (shared by bench/match_eval.py and
tests/matching/test_match_eval.py).

Needs Django set up and the demo catalogue loaded. For each demand of the set it ranks
the demo outcomes by each component alone and by the combination (``score_item``) and
scores the rankings against the graded judgements (docs/matching.md, "The evaluation
set"):

- recall@20: share of a demand's outcomes graded ≥ 2 that are in its first 20;
- MRR: 1 / rank of the first outcome graded ≥ 2 (0 when none is ranked);
- nDCG@10: gain 2^grade − 1, discounted by log2(rank + 1), over the ideal ordering.

recall and MRR are averaged over the demands with an outcome graded ≥ 2, nDCG over those
with an outcome graded ≥ 1; demands with none only count for coverage.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from market.models import (
    CooperationMode,
    Demand,
    Listing,
    ListingStatus,
    Organisation,
    Region,
    TechField,
)
from matching.engine.compatibility import compatibility, ineligible
from matching.engine.fusion import ranking
from matching.engine.items import MatchItem, Side
from matching.items import match_items
from matching.models import EmbeddingModel
from matching.retrieval import lexical, query_terms, semantic
from matching.services.proposals import (
    compatibility_weights,
    gap_reason,
    score_item,
)
from matching.services.training import active_model, load_embedder, train_model
from matching.vectors import get_store
from search.backends import get_backend
from search.reindex import reindex

SET_PATH = (
    Path(__file__).resolve().parents[1] / "tests" / "matching" / "match_eval_set.json"
)
COMPONENTS = ("lexical", "semantic", "compatibility", "combination")
RELEVANT = 2  # the grade from which an outcome counts for recall and MRR
EVAL_ORGANISATION = "评测用企业（匹配评测集）"


def load_cases(path: Path = SET_PATH) -> list[dict[str, object]]:
    """The cases of the labelled set, in file order."""
    cases: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))[
        "cases"
    ]
    return cases


# --- Metrics ---------------------------------------------------------------------------


def dcg(gains: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[int], grades: Mapping[int, int], k: int = 10) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg([grades.get(pk, 0) for pk in ranked[:k]]) / ideal


def reciprocal_rank(ranked: Sequence[int], grades: Mapping[int, int]) -> float:
    for position, pk in enumerate(ranked, start=1):
        if grades.get(pk, 0) >= RELEVANT:
            return 1.0 / position
    return 0.0


def recall_at(ranked: Sequence[int], grades: Mapping[int, int], k: int = 20) -> float:
    relevant = {pk for pk, g in grades.items() if g >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


# --- The set's demands in the database -------------------------------------------------


def create_demands(cases: Iterable[Mapping[str, object]]) -> None:
    """Publish the set's written demands (external ID ``eval-<case id>``) once.

    Plain rows, not the life-cycle services: no signal schedules matching runs, and the
    demands belong to an organisation of their own (never "own organisation").
    """
    organisation, _ = Organisation.objects.get_or_create(
        name=EVAL_ORGANISATION, defaults={"short_name": "评测企业"}
    )
    modes = {mode.code: mode for mode in CooperationMode.objects.all()}
    now = timezone.now()
    with transaction.atomic():
        for case in cases:
            if "demand" in case:
                continue
            external_id = f"eval-{case['id']}"
            if Listing.objects.filter(external_id=external_id).exists():
                continue
            budget = case.get("budget_wan")
            low, high = budget if isinstance(budget, list) else (None, None)
            demand = Demand.objects.create(
                external_id=external_id,
                organisation=organisation,
                status=ListingStatus.PUBLISHED,
                published_at=now,
                first_published_at=now,
                valid_until=timezone.localdate() + dt.timedelta(days=365),
                title=str(case["title"]),
                summary=str(case["summary"]),
                keywords=list(case["keywords"]),  # type: ignore[call-overload]
                problem=f"<p>{case['problem']}</p>",
                field=TechField.objects.get(code=case["field"]),
                region=Region.objects.filter(code=case["region"]).first(),
                expected_maturity=int(case["expected_maturity"]),  # type: ignore[call-overload]
                # The money fields are nullable; the stubs miss it (as in the demo).
                budget_min_wan=None if low is None else Decimal(low),  # type: ignore[misc]
                budget_max_wan=None if high is None else Decimal(high),  # type: ignore[misc]
                budget_negotiable=budget is None,
                contact_name="评测",
            )
            demand.modes.set([modes[code] for code in case["modes"]])  # type: ignore[attr-defined]


def demand_ids(cases: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """Each case's demand listing id."""
    external = {
        str(case["id"]): str(case.get("demand") or f"eval-{case['id']}")
        for case in cases
    }
    found = {
        str(ext): pk
        for ext, pk in Listing.objects.filter(
            external_id__in=external.values()
        ).values_list("external_id", "pk")
    }
    return {cid: found[ext] for cid, ext in external.items()}


def outcome_ids() -> dict[str, int]:
    rows = Listing.objects.filter(external_id__startswith="demo-outcome-")
    return {str(ext): pk for ext, pk in rows.values_list("external_id", "pk")}


# --- Indexing and training on one backend ----------------------------------------------


def prepare_backend() -> EmbeddingModel:
    """Index every listing in the configured backend and train a fresh model on it."""
    backend = get_backend()
    backend.drop_all()
    backend.ensure_indices()
    backend.forget_vocabulary()
    for kind in ("outcome", "demand"):
        reindex(kind, backend=backend)
    backend.refresh()
    backend.forget_vocabulary()
    # A model kept from another backend would be reused without writing its vectors
    # to this backend's store.
    EmbeddingModel.objects.all().delete()
    return train_model()


def drop_backend() -> None:
    model = active_model()
    if model is not None:
        get_store().drop(model)
    get_backend().drop_all()
    get_backend().forget_vocabulary()


# --- Ranking and scoring ---------------------------------------------------------------


@dataclass(frozen=True)
class Rankings:
    """One demand's ranked outcome ids per component, and whether the matcher serves it."""

    by_component: dict[str, list[int]]
    served: bool
    best_total: float


def rank_demand(item: MatchItem, today: dt.date) -> Rankings:
    """The outcomes ranked by each component alone and by the combination."""
    model = active_model()
    embedder = load_embedder(model) if model is not None else None
    terms = query_terms(item, embedder)
    lexical_scores = lexical(item, terms)
    semantic_scores = semantic(item, model, embedder)
    candidates = match_items(set(lexical_scores) | set(semantic_scores))
    weights = compatibility_weights()
    compat: dict[int, float] = {}
    for pk, other in candidates.items():
        if other.side is not Side.OUTCOME:
            continue
        if ineligible(item, other, today) is None:
            compat[pk] = compatibility(item, other, today, weights).score
    eligible = set(compat)
    scored, _ = score_item(item, today)
    counterparts = match_items([s.candidate_id for s in scored])
    return Rankings(
        by_component={
            "lexical": [pk for pk in ranking(lexical_scores) if pk in eligible],
            "semantic": [pk for pk in ranking(semantic_scores) if pk in eligible],
            "compatibility": ranking(compat),
            "combination": [s.candidate_id for s in scored],
        },
        served=gap_reason(item, scored, terms, counterparts) is None,
        best_total=max((s.total for s in scored), default=0.0),
    )


def evaluate(
    cases: Sequence[Mapping[str, object]], today: dt.date | None = None
) -> dict[str, object]:
    """Every metric per component and coverage, on the configured backend."""
    today = today or timezone.localdate()
    demands = demand_ids(cases)
    outcomes = outcome_ids()
    items = match_items(demands.values())
    sums: dict[str, dict[str, float]] = {
        c: {"recall@20": 0.0, "mrr": 0.0, "ndcg@10": 0.0} for c in COMPONENTS
    }
    answerable = graded = served = served_answerable = gaps_unanswerable = 0
    per_case: dict[str, dict[str, float]] = {}
    by_category: dict[str, dict[str, list[float]]] = {}
    for case in cases:
        cid = str(case["id"])
        grades = {
            outcomes[ext]: int(g)
            for ext, g in case["grades"].items()  # type: ignore[attr-defined]
        }
        result = rank_demand(items[demands[cid]], today)
        has_relevant = any(g >= RELEVANT for g in grades.values())
        has_graded = any(g >= 1 for g in grades.values())
        answerable += has_relevant
        graded += has_graded
        served += result.served
        if has_relevant:
            served_answerable += result.served
        else:
            gaps_unanswerable += not result.served
        per_case[cid] = {}
        for component, ranked in result.by_component.items():
            if has_relevant:
                sums[component]["recall@20"] += recall_at(ranked, grades)
                sums[component]["mrr"] += reciprocal_rank(ranked, grades)
            if has_graded:
                value = ndcg_at(ranked, grades)
                sums[component]["ndcg@10"] += value
                per_case[cid][component] = round(value, 3)
                by_category.setdefault(str(case["category"]), {}).setdefault(
                    component, []
                ).append(value)
    metrics = {
        component: {
            "recall@20": round(values["recall@20"] / max(answerable, 1), 3),
            "mrr": round(values["mrr"] / max(answerable, 1), 3),
            "ndcg@10": round(values["ndcg@10"] / max(graded, 1), 3),
        }
        for component, values in sums.items()
    }
    unanswerable = len(cases) - answerable
    return {
        "demands": len(cases),
        "with_outcome_graded_2_or_more": answerable,
        "with_outcome_graded_1_or_more": graded,
        "metrics": metrics,
        "coverage": round(served / max(len(cases), 1), 3),
        "coverage_of_demands_with_a_good_outcome": round(
            served_answerable / max(answerable, 1), 3
        ),
        "gaps_noted_for_demands_without_one": round(
            gaps_unanswerable / max(unanswerable, 1), 3
        ),
        "ndcg@10_by_category": {
            category: {c: round(sum(v) / len(v), 3) for c, v in values.items()}
            for category, values in sorted(by_category.items())
        },
        "ndcg@10_per_demand": per_case,
    }
