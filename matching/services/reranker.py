"""Training the learned re-ranker from agents' decisions, and applying it.

``train_reranker`` fits a logistic regression (``matching.engine.rerank``) on the
labelled decisions once there are ``MATCHING_RERANKER_MIN_DECISIONS`` of them, stores
it with its held-out evaluation, and makes it the active one only if it beats the hand
weights there. ``rerank`` is the proposal refresh's hook: without an active re-ranker
it keeps the hand order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from matching.engine.fusion import Scored
from matching.engine.rerank import Example, Reranker, train
from matching.models import Decision, DecisionAction, RerankerModel

logger = logging.getLogger(__name__)

# How many of the hand-weighted best candidates the learned re-ranker orders.
POOL = 100

LABELS = {DecisionAction.ACCEPT: True, DecisionAction.REJECT: False}


def labelled_examples() -> list[Example]:
    """One example per decided proposal: its latest accept or reject (snoozes and
    claims say nothing about relevance), with the scores it had then."""
    latest: dict[int, Example] = {}
    rows = (
        Decision.objects.filter(action__in=list(LABELS))
        .order_by("created_at", "pk")
        .values_list(
            "proposal_id", "proposal__demand_id", "action", "score", "components"
        )
    )
    for proposal_id, demand_id, action, score, components in rows:
        components = components if isinstance(components, dict) else {}
        hand_total = float(components.get("hand_total", score))
        latest[proposal_id] = Example(
            proposal_id=proposal_id,
            group=demand_id,
            features={
                k: float(v)
                for k, v in components.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            },
            hand_total=hand_total,
            accepted=LABELS[DecisionAction(action)],
        )
    return [latest[pk] for pk in sorted(latest)]


def train_reranker() -> RerankerModel | None:
    """Fit a re-ranker on the labelled decisions and store it with its evaluation.

    Returns None (and stores nothing) with fewer than
    ``MATCHING_RERANKER_MIN_DECISIONS`` labelled decisions. The new model becomes the
    active one, in one transaction, only if it beats the hand weights on the held-out
    decisions; otherwise it is stored inactive (the admin report says why) and whatever
    was active stays so. The same decisions give the same model: training again stores
    nothing new.
    """
    examples = labelled_examples()
    needed = int(settings.MATCHING_RERANKER_MIN_DECISIONS)
    if len(examples) < needed:
        logger.info(
            "matching: %s labelled decisions, the re-ranker needs %s",
            len(examples),
            needed,
        )
        return None
    result = train(examples)
    fitted = result.reranker
    with transaction.atomic():
        model, _ = RerankerModel.objects.get_or_create(
            version=fitted.version,
            defaults={
                "features": list(fitted.features),
                "weights": list(fitted.weights),
                "bias": fitted.bias,
                "decisions": len(examples),
                "evaluation": result.evaluation,
            },
        )
        if result.wins and not model.is_active:
            active = RerankerModel.objects.select_for_update().filter(is_active=True)
            active.update(is_active=False)
            RerankerModel.objects.filter(pk=model.pk).update(is_active=True)
            model.is_active = True
    logger.info(
        "matching: re-ranker %s on %s decisions: %s",
        model.version,
        model.decisions,
        result.evaluation["outcome"],
    )
    return model


_lock = threading.Lock()
_cached: dict[str, Reranker] = {}


def active_reranker() -> Reranker | None:
    """The active re-ranker (cached per process until the active row changes)."""
    row = (
        RerankerModel.objects.filter(is_active=True)
        .values_list("version", "features", "weights", "bias")
        .first()
    )
    if row is None:
        return None
    version, features, weights, bias = row
    with _lock:
        cached = _cached.get(version)
        if cached is None:
            cached = Reranker(
                tuple(str(f) for f in features),
                tuple(float(w) for w in weights),
                float(bias),
                version,
            )
            _cached.clear()
            _cached[version] = cached
    return cached


def rerank(scored: Sequence[Scored], limit: int) -> list[Scored]:
    """The best ``limit`` of ``scored`` (hand order, up to ``POOL`` of them): in the
    active re-ranker's order when there is one, else as they are."""
    return rerank_with(active_reranker(), scored, limit)


def rerank_with(
    reranker: Reranker | None, scored: Sequence[Scored], limit: int
) -> list[Scored]:
    """``rerank`` with a re-ranker read beforehand (once for a whole chunk)."""
    if reranker is None:
        return list(scored[:limit])
    return reranker.rerank(scored[:POOL], limit)
