"""Combining the retrieval components with compatibility into one ranked list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matching.engine.compatibility import Compatibility


@dataclass(frozen=True, slots=True)
class CombinerWeights:
    """The hand weights of the combiner (settings ``MATCHING_WEIGHTS``).

    ``retrieval`` weighs the reciprocal-rank fusion of the lexical and semantic rankings,
    ``compatibility`` the structured fit; ``rrf_k`` damps the head of each ranking;
    ``lexical`` and ``semantic`` weigh each ranking inside the fusion.
    """

    retrieval: float = 0.6
    compatibility: float = 0.4
    rrf_k: int = 60
    lexical: float = 1.0
    semantic: float = 1.0


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate with its total and every component's score."""

    candidate_id: int
    total: float
    components: dict[str, float]
    compatibility: Compatibility


def normalise(scores: Mapping[int, float]) -> dict[int, float]:
    """Scores of one query divided by its best (BM25 is not comparable across queries)."""
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return {key: 0.0 for key in scores}
    return {key: max(0.0, value) / best for key, value in scores.items()}


def ranking(scores: Mapping[int, float]) -> list[int]:
    """Candidate ids by descending score, ties by ascending id (deterministic)."""
    return sorted(scores, key=lambda key: (-scores[key], key))


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]],
    k: int = 60,
    weights: Sequence[float] | None = None,
) -> dict[int, float]:
    """Weighted reciprocal-rank fusion scaled to [0, 1] (1 = first in every ranking).

    ``weights`` gives each ranking's weight (all 1 when omitted).
    """
    if not rankings:
        return {}
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for weight, ranked in zip(weights, rankings, strict=True):
        for position, key in enumerate(ranked, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + position)
    best = sum(weights) / (k + 1)
    if best <= 0:
        return {key: 0.0 for key in fused}
    return {key: value / best for key, value in fused.items()}


def combine(
    lexical: Mapping[int, float],
    semantic: Mapping[int, float],
    compatibility: Mapping[int, Compatibility],
    weights: CombinerWeights | None = None,
    limit: int = 20,
) -> list[Scored]:
    """The best ``limit`` candidates of either retrieval, scored and ranked.

    ``lexical`` holds raw BM25 scores of one query, ``semantic`` cosine similarities;
    ``compatibility`` holds the pairs allowed to be proposed: a candidate without an
    entry (its own organisation, a passed deadline) is dropped here.
    """
    weights = weights or CombinerWeights()
    lexical_norm = normalise(lexical)
    pairs = [
        (weight, ranked)
        for weight, ranked in (
            (weights.lexical, ranking(lexical)),
            (weights.semantic, ranking(semantic)),
        )
        if ranked
    ]
    fused = reciprocal_rank_fusion(
        [ranked for _, ranked in pairs],
        k=weights.rrf_k,
        weights=[weight for weight, _ in pairs],
    )
    total_weight = weights.retrieval + weights.compatibility or 1.0
    ranked: list[tuple[float, int, float, Compatibility]] = []
    for key, rrf in fused.items():
        compat = compatibility.get(key)
        if compat is None:
            continue
        total = (
            weights.retrieval * rrf + weights.compatibility * compat.score
        ) / total_weight
        ranked.append((round(total, 4), key, rrf, compat))
    ranked.sort(key=lambda entry: (-entry[0], entry[1]))
    # Components only for the candidates kept (a pool is several times the top).
    return [
        Scored(
            key,
            total,
            {
                "lexical": round(lexical_norm.get(key, 0.0), 4),
                "semantic": round(max(0.0, semantic.get(key, 0.0)), 4),
                "retrieval": round(rrf, 4),
                "compatibility": round(compat.score, 4),
            }
            | {f"fit_{fit.component}": round(fit.counted, 4) for fit in compat.fits},
            compat,
        )
        for total, key, rrf, compat in ranked[:limit]
    ]
