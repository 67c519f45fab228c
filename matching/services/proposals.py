"""Computing an item's proposals, storing them idempotently, retiring stale ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.panels import related_changed
from matching.engine import ENGINE_VERSION
from matching.engine.compatibility import (
    CompatibilityWeights,
    compatibility,
    ineligible,
)
from matching.engine.fusion import CombinerWeights, Scored, combine
from matching.engine.items import MatchItem, Side
from matching.engine.terms import shared_terms
from matching.items import match_items
from matching.models import (
    DECIDED_STATES,
    GapReason,
    MatchGap,
    Proposal,
    ProposalState,
)
from matching.retrieval import lexical, query_terms, semantic
from matching.services.reranker import POOL, rerank
from matching.services.training import active_model, load_embedder
from matching.vectors import get_store

TOP = 20


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did, for logs and the command's progress."""

    listing_id: int
    proposed: int
    retired: int


def combiner_weights() -> CombinerWeights:
    """The combiner's weights from settings ``MATCHING_WEIGHTS`` (documented)."""
    weights = settings.MATCHING_WEIGHTS
    return CombinerWeights(
        retrieval=float(weights.get("retrieval", 0.6)),
        compatibility=float(weights.get("compatibility", 0.4)),
        rrf_k=int(weights.get("rrf_k", 60)),
        lexical=float(weights.get("lexical", 1.0)),
        semantic=float(weights.get("semantic", 1.0)),
    )


def compatibility_weights() -> CompatibilityWeights:
    """The components' weights from settings ``MATCHING_COMPATIBILITY_WEIGHTS``."""
    return CompatibilityWeights(
        **{
            name: float(value)
            for name, value in settings.MATCHING_COMPATIBILITY_WEIGHTS.items()
        }
    )


def score_item(item: MatchItem, today: dt.date) -> tuple[list[Scored], list[str]]:
    """The item's best ``TOP`` counterparts, scored, and the terms it was queried by."""
    model = active_model()
    embedder = load_embedder(model) if model is not None else None
    terms = query_terms(item, embedder)
    lexical_scores = lexical(item, terms)
    semantic_scores = semantic(item, model, embedder)
    candidates = match_items(set(lexical_scores) | set(semantic_scores))
    weights = compatibility_weights()
    compat = {}
    for pk, other in candidates.items():
        demand, outcome = (item, other) if item.side is Side.DEMAND else (other, item)
        if ineligible(demand, outcome, today) is None:
            compat[pk] = compatibility(demand, outcome, today, weights)
    scored = combine(
        {pk: s for pk, s in lexical_scores.items() if pk in candidates},
        {pk: s for pk, s in semantic_scores.items() if pk in candidates},
        compat,
        combiner_weights(),
        limit=POOL,
    )
    return rerank(scored, TOP), terms


def _reasons(scored: Scored) -> list[dict[str, object]]:
    return [
        {
            "component": fit.component,
            "score": fit.score,
            "code": fit.reason.code,
            "params": fit.reason.params,
        }
        for fit in scored.compatibility.fits
    ]


def refresh_item(listing_id: int, today: dt.date | None = None) -> Refreshed:
    """Recompute one listing's proposals (its top 20 of the other side).

    Safe to repeat: one row per pair (upsert); agents' decisions are kept; pairs that
    left the top 20 of both sides are retired unless decided; an unpublished or deleted
    listing has all its undecided proposals retired.
    """
    today = today or timezone.localdate()
    item = match_items([listing_id]).get(listing_id)
    if item is None:
        return Refreshed(listing_id, 0, retire_item(listing_id))
    _store_own_vector(item)
    scored, terms = score_item(item, today)
    counterparts = match_items([s.candidate_id for s in scored])
    model = active_model()
    now = timezone.now()
    own_rank = "rank_for_demand" if item.side is Side.DEMAND else "rank_for_outcome"
    side_field = "demand_id" if item.side is Side.DEMAND else "outcome_id"
    other_field = "outcome_id" if item.side is Side.DEMAND else "demand_id"
    with transaction.atomic():
        existing = {
            getattr(p, other_field): p
            for p in Proposal.objects.select_for_update().filter(
                **{side_field: listing_id}
            )
        }
        kept: set[int] = set()
        # The listing's ranking as its public page shows it, before and after.
        shown_before = sorted(
            (getattr(p, own_rank), pk)
            for pk, p in existing.items()
            if getattr(p, own_rank) is not None and p.state != ProposalState.RETIRED
        )
        shown_after: list[tuple[int, int]] = []
        for rank, entry in enumerate(scored, start=1):
            other = counterparts.get(entry.candidate_id)
            if other is None:
                continue
            kept.add(entry.candidate_id)
            shown_after.append((rank, entry.candidate_id))
            values = {
                "score": entry.total,
                "components": entry.components,
                "reasons": _reasons(entry),
                "shared_terms": shared_terms(
                    item.tokens,
                    other.tokens,
                    load_embedder(model).term_weight if model else None,
                    prefer=[*item.keywords, *other.keywords],
                ),
                own_rank: rank,
                "engine_version": ENGINE_VERSION,
                "model_version": model.version if model else "",
                "computed_at": now,
            }
            proposal = existing.get(entry.candidate_id)
            if proposal is None:
                Proposal.objects.create(
                    **{side_field: listing_id, other_field: entry.candidate_id},
                    **values,
                )
                continue
            for name, value in values.items():
                setattr(proposal, name, value)
            if proposal.state == ProposalState.RETIRED:
                proposal.state = ProposalState.PROPOSED
                proposal.retired_at = None
            proposal.save()
        retired = 0
        for pk, proposal in existing.items():
            if pk in kept or getattr(proposal, own_rank) is None:
                continue
            setattr(proposal, own_rank, None)
            other_rank = (
                proposal.rank_for_outcome
                if own_rank == "rank_for_demand"
                else proposal.rank_for_demand
            )
            if other_rank is None and proposal.state not in DECIDED_STATES:
                if proposal.state != ProposalState.RETIRED:
                    retired += 1
                proposal.state = ProposalState.RETIRED
                proposal.retired_at = now
            proposal.save()
        _note_gap(item, scored, terms, counterparts, now)
        if shown_before != shown_after:
            related_changed()
    return Refreshed(listing_id, len(kept), retired)


def gap_reason(
    item: MatchItem,
    scored: list[Scored],
    terms: list[str],
    counterparts: dict[int, MatchItem],
) -> tuple[str, float | None] | None:
    """Why the matcher serves this demand badly, or None when it serves it well."""
    min_terms = int(settings.MATCHING_MIN_TERMS)
    if len(terms) < min_terms:
        return GapReason.VAGUE_TEXT, None
    if not scored:
        return GapReason.NO_CANDIDATES, None
    best = max(s.components["semantic"] for s in scored)
    # Strong lexical evidence is the demand's own keywords found in a candidate: the
    # words two texts share (成本, 效率, 降低 …) are found for almost any pair and told
    # nothing (the evaluation set: docs/matching.md, "Coverage").
    strong = any(
        keywords_found(item, counterparts[s.candidate_id]) >= min_terms
        for s in scored[:5]
        if s.candidate_id in counterparts
    )
    if best < float(settings.MATCHING_MIN_SIMILARITY) and not strong:
        return GapReason.WEAK_CANDIDATES, best
    return None


def keywords_found(item: MatchItem, other: MatchItem) -> int:
    """How many of ``item``'s keywords ``other`` names (title, keywords or text)."""
    named = " ".join([other.title, *other.keywords])
    tokens = set(other.tokens)
    return sum(1 for k in item.keywords if k and (k in named or k in tokens))


def _note_gap(
    item: MatchItem,
    scored: list[Scored],
    terms: list[str],
    counterparts: dict[int, MatchItem],
    now: dt.datetime,
) -> None:
    if item.side is not Side.DEMAND:
        return
    found = gap_reason(item, scored, terms, counterparts)
    if found is None:
        MatchGap.objects.filter(demand_id=item.id).delete()
        return
    reason, similarity = found
    MatchGap.objects.update_or_create(
        demand_id=item.id,
        defaults={
            "reason": reason,
            "best_similarity": similarity,
            "key_terms": len(terms),
        },
        create_defaults={
            "reason": reason,
            "best_similarity": similarity,
            "key_terms": len(terms),
            "noted_at": now,
        },
    )


def retire_item(listing_id: int) -> int:
    """Retire every undecided proposal of a listing no longer published."""
    MatchGap.objects.filter(demand_id=listing_id).delete()
    retired = (
        Proposal.objects.filter(Q(demand_id=listing_id) | Q(outcome_id=listing_id))
        .exclude(state__in=[*DECIDED_STATES, ProposalState.RETIRED])
        .update(state=ProposalState.RETIRED, retired_at=timezone.now())
    )
    if retired:
        related_changed()
    return retired


def _store_own_vector(item: MatchItem) -> None:
    """Put a listing published since the last training among the kNN candidates."""
    model = active_model()
    if model is None:
        return
    vector = load_embedder(model).embed([item.tokens])[0]
    store = get_store()
    store.write(model, [(item.id, item.side.value, vector)])


def refresh_items(listing_ids: Iterable[int]) -> list[Refreshed]:
    """Refresh several listings (a chunk of a full refresh)."""
    return [refresh_item(pk) for pk in listing_ids]
