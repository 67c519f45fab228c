"""The learned re-ranker: logistic regression on the component scores, and the test
that decides whether it may replace the hand weights.

Examples are agents' decisions (accept and introduce = 1, reject = 0) with the
component scores the proposal had when it was decided. They are split by a hash of
the proposal id: one proposal in four is held out, whatever the order decisions came
in, and a proposal stays on its side of the split as decisions accumulate. The model
is fitted on the rest (Newton's method, L2-regularised, on standardised features) and
both it and the hand total are measured on the held-out decisions.

It **wins**, and may be used, only when on the held-out decisions its AUC is higher
than the hand total's and its ranking of each demand's decided proposals is at least as
good (mean nDCG, over the demands with two or more held-out decisions, one of them an
acceptance). Everything here is deterministic and pure (numpy).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from matching.engine.fusion import Scored

# The component scores a proposal carries (fusion.combine), then its hand total.
FEATURES: tuple[str, ...] = (
    "lexical",
    "semantic",
    "retrieval",
    "compatibility",
    "fit_field",
    "fit_maturity",
    "fit_price",
    "fit_modes",
    "fit_region",
    "fit_deadline",
    "total",
)
HELD_OUT_ONE_IN = 4
L2 = 1.0
PRECISION_AT = 3

# Why a trained model is (not) used; the admin report translates these.
WINS = "wins"
NOT_BETTER = "not_better"
ONE_LABEL = "one_label"
TOO_FEW_HELD_OUT = "too_few_held_out"
MIN_HELD_OUT = 10


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled decision: its proposal, the demand it ranks for, its features."""

    proposal_id: int
    group: int
    features: Mapping[str, float]
    hand_total: float
    accepted: bool


@dataclass(frozen=True, slots=True)
class Reranker:
    """A fitted model: ``score = sigmoid(bias + Σ weight × feature)``."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    version: str = ""

    def score(self, components: Mapping[str, float], hand_total: float) -> float:
        """The probability that an agent accepts a proposal with these scores."""
        values = feature_vector(components, hand_total, self.features)
        z = self.bias + float(np.dot(values, np.asarray(self.weights)))
        return _sigmoid(z)

    def rerank(self, scored: Sequence[Scored], limit: int) -> list[Scored]:
        """``scored`` ordered by the learned score, the best ``limit``; each keeps the
        hand total in ``components["hand_total"]`` and its learned score in
        ``components["learned"]`` and as its total."""
        # Sorted on the exact score (rounding may tie far-apart candidates), then the
        # hand total, then the id: deterministic.
        ranked = sorted(
            ((self.score(e.components, e.total), e) for e in scored),
            key=lambda pair: (-pair[0], -pair[1].total, pair[1].candidate_id),
        )
        result = []
        for learned, entry in ranked[:limit]:
            components = entry.components | {
                "hand_total": entry.total,
                "learned": round(learned, 4),
            }
            result.append(
                replace(entry, total=round(learned, 4), components=components)
            )
        return result[:limit]


@dataclass(frozen=True, slots=True)
class Training:
    """A fitted re-ranker and its held-out evaluation (JSON-ready)."""

    reranker: Reranker
    evaluation: dict[str, object]

    @property
    def wins(self) -> bool:
        """Whether it beats the hand weights on the held-out decisions."""
        return self.evaluation["outcome"] == WINS


def feature_vector(
    components: Mapping[str, float],
    hand_total: float,
    features: Sequence[str] = FEATURES,
) -> NDArray[np.float64]:
    """The features in order; ``total`` is the hand total (a missing one counts 0)."""
    return np.array(
        [
            hand_total if name == "total" else float(components.get(name, 0.0) or 0.0)
            for name in features
        ],
        dtype=np.float64,
    )


def held_out(proposal_id: int) -> bool:
    """Whether a proposal's decisions are held out (one in ``HELD_OUT_ONE_IN``)."""
    digest = hashlib.sha256(f"proposal:{proposal_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % HELD_OUT_ONE_IN == 0


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_logistic(
    x: NDArray[np.float64], y: NDArray[np.float64], l2: float = L2, iterations: int = 50
) -> tuple[NDArray[np.float64], float]:
    """Weights and bias of an L2-regularised logistic regression (Newton's method).

    Features are standardised for the fit and the weights mapped back, so that the
    model applies to raw component scores; the bias is not regularised.
    """
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (p - y) + penalty * beta
        hessian = (
            (z.T * (p * (1 - p))) @ z + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        )
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    weights = beta[1:] / std
    bias = float(beta[0] - np.dot(weights, mean))
    return weights, bias


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve (ties count half); None without both labels."""
    y = np.asarray(labels, dtype=bool)
    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return None
    ranks = rankdata(np.asarray(scores, dtype=np.float64))
    return float(
        (ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def ranking_quality(
    groups: Sequence[int], scores: Sequence[float], labels: Sequence[bool]
) -> tuple[float | None, float | None, int]:
    """Mean nDCG and precision@3 of each group's decisions ordered by ``scores``
    (ties by position), over groups with two or more decisions and one acceptance;
    and how many groups that is."""
    by_group: dict[int, list[tuple[float, bool]]] = {}
    for group, score, label in zip(groups, scores, labels, strict=True):
        by_group.setdefault(group, []).append((score, label))
    ndcgs: list[float] = []
    precisions: list[float] = []
    for entries in by_group.values():
        if len(entries) < 2 or not any(label for _, label in entries):
            continue
        ordered = [label for _, label in sorted(entries, key=lambda e: -e[0])]
        dcg = sum(1 / math.log2(i + 2) for i, label in enumerate(ordered) if label)
        ideal = sum(1 / math.log2(i + 2) for i in range(sum(ordered)))
        ndcgs.append(dcg / ideal)
        top = ordered[:PRECISION_AT]
        precisions.append(sum(top) / len(top))
    if not ndcgs:
        return None, None, 0
    return float(np.mean(ndcgs)), float(np.mean(precisions)), len(ndcgs)


def _accuracy(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> float:
    hits = sum(
        1 for s, label in zip(scores, labels, strict=True) if (s >= threshold) == label
    )
    return hits / len(labels) if labels else 0.0


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The cut on ``scores`` (predict accepted at or above it) with the best accuracy
    on these examples: the hand total's threshold, chosen on the training decisions."""
    if not len(scores):
        return 0.5
    values = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    cuts = np.unique(values)
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_y = values[order], y[order]
    # Below each cut: how many rejections (right) and acceptances (wrong) there are.
    below = np.searchsorted(sorted_values, cuts, side="left")
    rejected_below = np.concatenate([[0], np.cumsum(~sorted_y)])[below]
    accepted_below = np.concatenate([[0], np.cumsum(sorted_y)])[below]
    correct = rejected_below + (int(y.sum()) - accepted_below)
    return float(cuts[int(np.argmax(correct))])


def _metrics(
    groups: Sequence[int],
    scores: Sequence[float],
    labels: Sequence[bool],
    threshold: float,
) -> dict[str, float | int | None]:
    ndcg, precision, ranked = ranking_quality(groups, scores, labels)
    area = auc(scores, labels)
    return {
        "auc": None if area is None else round(area, 4),
        "accuracy": round(_accuracy(scores, labels, threshold), 4),
        "ndcg": None if ndcg is None else round(ndcg, 4),
        "precision": None if precision is None else round(precision, 4),
        "ranked_groups": ranked,
    }


def train(examples: Sequence[Example]) -> Training:
    """Fit on the examples not held out, evaluate both scorers on the held-out ones."""
    training = [e for e in examples if not held_out(e.proposal_id)]
    testing = [e for e in examples if held_out(e.proposal_id)]
    x = np.array(
        [feature_vector(e.features, e.hand_total) for e in training], dtype=np.float64
    ).reshape(len(training), len(FEATURES))
    y = np.array([1.0 if e.accepted else 0.0 for e in training])
    both_labels = bool(len(training)) and 0 < y.sum() < len(y)
    if both_labels:
        weights, bias = fit_logistic(x, y)
    else:  # one label only: a constant model, never used
        weights, bias = np.zeros(len(FEATURES)), 0.0
    rounded = tuple(round(float(w), 6) for w in weights)
    digest = hashlib.sha256(
        repr((FEATURES, rounded, round(bias, 6), len(examples))).encode()
    )
    reranker = Reranker(
        FEATURES, rounded, round(bias, 6), f"rerank-{digest.hexdigest()[:12]}"
    )

    labels = [e.accepted for e in testing]
    groups = [e.group for e in testing]
    hand_scores = [e.hand_total for e in testing]
    learned_scores = [reranker.score(e.features, e.hand_total) for e in testing]
    hand_cut = best_threshold(
        [e.hand_total for e in training], [e.accepted for e in training]
    )
    hand = _metrics(groups, hand_scores, labels, hand_cut)
    learned = _metrics(groups, learned_scores, labels, 0.5)
    if len(testing) < MIN_HELD_OUT:
        outcome = TOO_FEW_HELD_OUT
    elif hand["auc"] is None or not both_labels:
        outcome = ONE_LABEL
    elif _beats(learned, hand):
        outcome = WINS
    else:
        outcome = NOT_BETTER
    evaluation: dict[str, object] = {
        "split": f"hash of the proposal id, 1 in {HELD_OUT_ONE_IN} held out",
        "train": len(training),
        "held_out": len(testing),
        "accepted_train": int(y.sum()),
        "accepted_held_out": sum(labels),
        "hand": hand,
        "learned": learned,
        "hand_threshold": round(hand_cut, 4),
        "outcome": outcome,
    }
    return Training(reranker, evaluation)


def _beats(
    learned: Mapping[str, float | int | None], hand: Mapping[str, float | int | None]
) -> bool:
    """Higher AUC, and a ranking at least as good where one can be measured."""
    learned_auc, hand_auc = learned["auc"], hand["auc"]
    if learned_auc is None or hand_auc is None or learned_auc <= hand_auc:
        return False
    learned_ndcg, hand_ndcg = learned["ndcg"], hand["ndcg"]
    if learned_ndcg is not None and hand_ndcg is not None:
        return learned_ndcg >= hand_ndcg
    return True
