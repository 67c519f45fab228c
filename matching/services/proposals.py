"""Computing an item's proposals, storing them idempotently, retiring stale ones."""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cms.panels import related_changed
from matching.engine import ENGINE_VERSION
from matching.engine.compatibility import (
    CompatibilityWeights,
    compatibility,
    ineligible,
)
from matching.engine.embedding import Vectors
from matching.engine.fusion import CombinerWeights, Scored, combine
from matching.engine.items import MatchItem, Side
from matching.engine.rerank import Reranker
from matching.engine.terms import key_terms, ranked_terms, shared_ranked
from matching.items import match_items
from matching.models import (
    DECIDED_STATES,
    EmbeddingModel,
    GapReason,
    ItemVector,
    MatchGap,
    Proposal,
    ProposalState,
)
from matching.retrieval import (
    lexical,
    lexical_many,
    query_terms,
    semantic,
    semantic_many,
)
from matching.services.reranker import POOL, active_reranker, rerank_with
from matching.services.training import active_model, load_embedder
from matching.vectors import get_store

TOP = 20
_ENCODER = DjangoJSONEncoder()


def _json_default(value: object) -> object:
    """What orjson does not encode itself and ``json`` did: float subclasses (numpy's
    float64), then what Django's encoder knows (decimals, dates)."""
    if isinstance(value, float):
        return float(value)
    return _ENCODER.default(value)


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


@dataclass(frozen=True)
class Scoring:
    """What scoring reads from settings and the database: read once for a chunk."""

    compatibility: CompatibilityWeights
    combiner: CombinerWeights
    reranker: Reranker | None


def scoring() -> Scoring:
    """The weights in settings and the active learned re-ranker, if any."""
    return Scoring(compatibility_weights(), combiner_weights(), active_reranker())


def score_pairs(
    item: MatchItem,
    lexical_scores: Mapping[int, float],
    semantic_scores: Mapping[int, float],
    candidates: Mapping[int, MatchItem],
    today: dt.date,
    context: Scoring | None = None,
) -> list[Scored]:
    """Score an item against its retrieved candidates and keep the best ``TOP``.

    The one place every pair is scored (single refresh, chunk of a full refresh,
    evaluation): a learned re-ranker replaces or re-orders ``combine``'s result here.
    ``context`` is :func:`scoring`'s answer when the caller scores many items.
    """
    context = context or scoring()
    weights = context.compatibility
    compat = {}
    found = set(lexical_scores) | set(semantic_scores)
    for pk in found:
        other = candidates.get(pk)
        if other is None or other.side is item.side:
            continue
        demand, outcome = (item, other) if item.side is Side.DEMAND else (other, item)
        if ineligible(demand, outcome, today) is None:
            compat[pk] = compatibility(demand, outcome, today, weights)
    scored = combine(
        {pk: s for pk, s in lexical_scores.items() if pk in candidates},
        {pk: s for pk, s in semantic_scores.items() if pk in candidates},
        compat,
        context.combiner,
        # The hand order's best TOP are all a refresh keeps without a re-ranker.
        limit=POOL if context.reranker is not None else TOP,
    )
    # The learned re-ranker, when one is active, orders the hand-weighted pool.
    return rerank_with(context.reranker, scored, TOP)


def score_item(item: MatchItem, today: dt.date) -> tuple[list[Scored], list[str]]:
    """The item's best ``TOP`` counterparts, scored, and the terms it was queried by."""
    model = active_model()
    embedder = load_embedder(model) if model is not None else None
    terms = query_terms(item, embedder)
    lexical_scores = lexical(item, terms)
    semantic_scores = semantic(item, model, embedder)
    candidates = match_items(set(lexical_scores) | set(semantic_scores))
    scored = score_pairs(item, lexical_scores, semantic_scores, candidates, today)
    return scored, terms


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
    return refresh_items([listing_id], today)[0]


class Stages:
    """Seconds spent in each stage of refreshes (the benchmark's split)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        # Whether retrieval ran in the chunk's own turn (``refresh_items``) or in a
        # thread beside the previous chunk (``refresh_in_chunks``): then "lexical"
        # and "semantic" are the thread's seconds and "retrieval" the waiting.
        self.inline = True
        self._at = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Add the time since the previous lap to ``stage``."""
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._at
        self._at = now


def refresh_items(
    listing_ids: Iterable[int],
    today: dt.date | None = None,
    stages: Stages | None = None,
) -> list[Refreshed]:
    """Recompute several listings' proposals at once (a chunk of a full refresh).

    What ``refresh_item`` does for one, in a few round trips for the whole chunk: one
    ``_msearch`` of lexical queries, one kNN ``_msearch`` (or one matrix top-k), bulk
    upserts in key order, stale pairs retired in bulk.
    """
    with _collector_paused():
        return _refresh_items(listing_ids, today, stages or Stages())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one chunk.

    A chunk allocates about a million small containers (scores, fits, rows) and
    keeps a few hundred thousand of them until it is written: every few hundred
    allocations the collector walked them all again, 15 % of a full refresh on the
    benchmark. A chunk makes no reference cycle worth collecting early; whatever it
    leaves is collected after it. Nested or concurrent use leaves it enabled at the
    end when it was enabled before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Retrieved(NamedTuple):
    """A chunk's retrieval: each live item's lexical and semantic scores, and the
    seconds each took (measured where it ran)."""

    lexical: list[dict[int, float]]
    semantic: list[dict[int, float]]
    lexical_seconds: float
    semantic_seconds: float


def _retrieve(
    live: list[MatchItem],
    terms: list[list[str]],
    model: EmbeddingModel | None,
    vectors: Vectors | None,
) -> _Retrieved:
    """The chunk's two ``_msearch`` (or the embedded backend's queries): no database
    work, so that it can run in a thread beside the previous chunk's write."""
    started = time.perf_counter()
    lexical_scores = lexical_many(list(zip(live, terms, strict=True)))
    middle = time.perf_counter()
    semantic_scores = semantic_many(live, model, vectors)
    return _Retrieved(
        lexical_scores,
        semantic_scores,
        middle - started,
        time.perf_counter() - middle,
    )


@dataclass
class _Prepared:
    """A chunk read and embedded, its retrieval asked for, nothing written but the
    listings' vectors."""

    ids: list[int]
    items: dict[int, MatchItem]
    live: list[MatchItem]
    model: EmbeddingModel | None
    terms: list[list[str]]
    retrieval: Future[_Retrieved] | None


def _prepare(
    listing_ids: Iterable[int],
    stages: Stages,
    pool: ThreadPoolExecutor | None,
) -> _Prepared:
    """Read the chunk's listings, store their vectors, and start (in ``pool``) or
    leave for :func:`_finish` their retrieval."""
    ids = list(dict.fromkeys(int(pk) for pk in listing_ids))
    items = match_items(ids)
    live = [items[pk] for pk in ids if pk in items]
    stages.lap("items")
    model = None
    terms: list[list[str]] = []
    retrieval = None
    if live:
        model = active_model()
        embedder = load_embedder(model) if model is not None else None
        vectors = (
            embedder.embed([item.tokens for item in live])
            if embedder is not None
            else None
        )
        _store_vectors(live, model, vectors)
        terms = [query_terms(item, embedder) for item in live]
        stages.lap("vectors")
        if pool is not None:
            retrieval = pool.submit(_retrieve, live, terms, model, vectors)
        else:
            lexical_scores = lexical_many(list(zip(live, terms, strict=True)))
            stages.lap("lexical")
            semantic_scores = semantic_many(live, model, vectors)
            stages.lap("semantic")
            retrieval = Future()
            retrieval.set_result(_Retrieved(lexical_scores, semantic_scores, 0.0, 0.0))
    return _Prepared(ids, items, live, model, terms, retrieval)


def _finish(prepared: _Prepared, today: dt.date, stages: Stages) -> list[Refreshed]:
    """Retire the chunk's unpublished listings' proposals, score the live ones and
    write them (one transaction, as before any overlap)."""
    ids, items, live = prepared.ids, prepared.items, prepared.live
    results = {pk: Refreshed(pk, 0, retire_item(pk)) for pk in ids if pk not in items}
    if not live or prepared.retrieval is None:
        return [results[pk] for pk in ids]
    found = prepared.retrieval.result()  # the thread's exception, if any
    if not stages.inline:
        stages.lap("retrieval")
        stages.seconds["lexical"] = (
            stages.seconds.get("lexical", 0.0) + found.lexical_seconds
        )
        stages.seconds["semantic"] = (
            stages.seconds.get("semantic", 0.0) + found.semantic_seconds
        )
    lexical_scores, semantic_scores = found.lexical, found.semantic
    all_found = set().union(*lexical_scores, *semantic_scores)
    candidates = {**match_items(all_found - set(items)), **items}
    stages.lap("candidates")
    context = scoring()
    scored = [
        score_pairs(
            item,
            lexical_scores[n],
            semantic_scores[n],
            candidates,
            today,
            context,
        )
        for n, item in enumerate(live)
    ]
    model = prepared.model
    rows = _proposal_rows(live, scored, candidates, model)
    stages.lap("scoring")
    stamp = _Stamp(
        ENGINE_VERSION,
        model.version if model is not None else "",
        timezone.now(),
    )
    results |= _write(live, rows, stamp, scored, prepared.terms, candidates)
    stages.lap("write")
    return [results[pk] for pk in ids]


def _refresh_items(
    listing_ids: Iterable[int], today: dt.date | None, stages: Stages
) -> list[Refreshed]:
    today = today or timezone.localdate()
    stages.inline = True
    return _finish(_prepare(listing_ids, stages, None), today, stages)


def refresh_in_chunks(
    chunks: Iterable[Iterable[int]],
    today: dt.date | None = None,
    stages: Stages | None = None,
) -> Iterator[list[Refreshed]]:
    """``refresh_items`` over the chunks in turn, each chunk's results as it is done.

    The same reads, scores and writes chunk by chunk (one transaction per chunk), but
    with Elasticsearch the next chunk's retrieval (its two ``_msearch``) runs in a
    thread while this chunk is scored and written: the searches are Elasticsearch's
    work, scoring and the write this process's and PostgreSQL's. The thread does no
    database work; a chunk's listings are read and its vectors stored only after the
    previous chunk's retrieval ended, as in turn. The thread's error is raised here.
    """
    today = today or timezone.localdate()
    stages = stages or Stages()
    stages.inline = False
    if settings.SEARCH_BACKEND != "elasticsearch":
        for chunk in chunks:
            with _collector_paused():
                result = _refresh_items(chunk, today, stages)
            yield result
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval") as pool:
        pending: _Prepared | None = None
        try:
            for chunk in chunks:
                with _collector_paused():
                    if pending is not None and pending.retrieval is not None:
                        # This chunk's vectors are stored once the previous chunk's
                        # kNN search has ended, as without the overlap.
                        wait([pending.retrieval])
                    stages.lap("retrieval")
                    following = _prepare(chunk, stages, pool)
                    done = (
                        _finish(pending, today, stages) if pending is not None else None
                    )
                pending = following
                if done is not None:
                    yield done
            if pending is not None:
                with _collector_paused():
                    done = _finish(pending, today, stages)
                pending = None
                yield done
        finally:
            if pending is not None and pending.retrieval is not None:
                pending.retrieval.cancel()


@dataclass(frozen=True, slots=True)
class _Row:
    """One computed proposal, to be written (the chunk's versions and time apart)."""

    demand_id: int
    outcome_id: int
    rank_for_demand: int | None
    rank_for_outcome: int | None
    score: float
    components: dict[str, float]
    reasons: list[dict[str, object]]
    shared_terms: list[str]
    state: str = ProposalState.PROPOSED


@dataclass(frozen=True, slots=True)
class _Stamp:
    """What every row of one chunk's write has in common."""

    engine_version: str
    model_version: str
    computed_at: dt.datetime


def _proposal_rows(
    live: list[MatchItem],
    scored: list[list[Scored]],
    candidates: Mapping[int, MatchItem],
    model: EmbeddingModel | None,
) -> list[list[_Row]]:
    """Each item's proposals as rows to write (its own rank set), best first."""
    term_weight = load_embedder(model).term_weight if model is not None else None
    # Each listing's key terms, made once for the chunk (a candidate recurs in many
    # items' top 20).
    keys: dict[int, frozenset[str]] = {}

    def keys_of(listing: MatchItem) -> frozenset[str]:
        found = keys.get(listing.id)
        if found is None:
            found = keys[listing.id] = key_terms(listing.tokens)
        return found

    rows: list[list[_Row]] = []
    for item, entries in zip(live, scored, strict=True):
        own: list[_Row] = []
        ranked = ranked_terms(keys_of(item), term_weight)
        for rank, entry in enumerate(entries, start=1):
            other = candidates[entry.candidate_id]
            demand, outcome = (
                (item, other) if item.side is Side.DEMAND else (other, item)
            )
            own.append(
                _Row(
                    demand_id=demand.id,
                    outcome_id=outcome.id,
                    rank_for_demand=rank if item.side is Side.DEMAND else None,
                    rank_for_outcome=rank if item.side is Side.OUTCOME else None,
                    score=entry.total,
                    components=entry.components,
                    reasons=_reasons(entry),
                    shared_terms=shared_ranked(
                        ranked,
                        keys_of(other),
                        prefer=[*item.keywords, *other.keywords],
                    ),
                )
            )
        rows.append(own)
    return rows


OWN_RANK = {Side.DEMAND: "rank_for_demand", Side.OUTCOME: "rank_for_outcome"}
WRITTEN = [
    "score",
    "components",
    "reasons",
    "shared_terms",
    "engine_version",
    "model_version",
    "computed_at",
]


def _pair(row: _Row) -> tuple[int, int]:
    return (row.demand_id, row.outcome_id)


UPSERT = """
INSERT INTO {table} (demand_id, outcome_id, {rank}, score, components, reasons,
    shared_terms, engine_version, model_version, computed_at, state, created_at)
SELECT r.demand_id, r.outcome_id, r.rank, r.score, r.components, r.reasons,
    r.shared_terms, %s, %s, %s, %s, %s
FROM jsonb_to_recordset(%s::jsonb) AS r(demand_id bigint, outcome_id bigint,
    rank smallint, score double precision, components jsonb, reasons jsonb,
    shared_terms jsonb)
ORDER BY r.demand_id, r.outcome_id
ON CONFLICT (demand_id, outcome_id) DO UPDATE SET {rank} = EXCLUDED.{rank},
    score = EXCLUDED.score, components = EXCLUDED.components,
    reasons = EXCLUDED.reasons, shared_terms = EXCLUDED.shared_terms,
    engine_version = EXCLUDED.engine_version, model_version = EXCLUDED.model_version,
    computed_at = EXCLUDED.computed_at
WHERE ({table}.{rank}, {table}.score, {table}.components, {table}.reasons,
    {table}.shared_terms, {table}.engine_version, {table}.model_version)
    IS DISTINCT FROM (EXCLUDED.{rank}, EXCLUDED.score, EXCLUDED.components,
    EXCLUDED.reasons, EXCLUDED.shared_terms, EXCLUDED.engine_version,
    EXCLUDED.model_version)
"""


def _upsert(side: Side, rows: list[_Row], stamp: _Stamp) -> None:
    """Insert or update rows computed from ``side``, setting only that side's rank.

    PostgreSQL: one statement over the rows as one JSON document (``bulk_create``
    sends each column as an array, whose adaptation cost more than the insert); a
    stored row whose rank and content are what was computed again is left as it is
    (no new row version, ``computed_at`` kept: when its content last changed), as a
    nightly refresh finds most of them. Other databases: ``bulk_create``.
    """
    if not rows:
        return
    rows = sorted(rows, key=_pair)
    rank = OWN_RANK[side]
    if connection.vendor != "postgresql":
        Proposal.objects.bulk_create(
            [
                Proposal(
                    demand_id=row.demand_id,
                    outcome_id=row.outcome_id,
                    rank_for_demand=row.rank_for_demand,
                    rank_for_outcome=row.rank_for_outcome,
                    score=row.score,
                    components=row.components,
                    reasons=row.reasons,
                    shared_terms=row.shared_terms,
                    engine_version=stamp.engine_version,
                    model_version=stamp.model_version,
                    computed_at=stamp.computed_at,
                )
                for row in rows
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["demand", "outcome"],
            update_fields=[*WRITTEN, rank],
        )
        return
    # orjson: six times faster than json on a chunk's 4 MB of explanations.
    document = orjson.dumps(
        [
            {
                "demand_id": row.demand_id,
                "outcome_id": row.outcome_id,
                "rank": getattr(row, rank),
                "score": row.score,
                "components": row.components,
                "reasons": row.reasons,
                "shared_terms": row.shared_terms,
            }
            for row in rows
        ],
        default=_json_default,
    ).decode()
    sql = UPSERT.format(table=Proposal._meta.db_table, rank=rank)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                stamp.engine_version,
                stamp.model_version,
                stamp.computed_at,
                ProposalState.PROPOSED,
                timezone.now(),
                document,
            ],
        )


class _Stored(NamedTuple):
    """The columns of a stored proposal the write stage decides from (no JSON read)."""

    pk: int
    demand_id: int
    outcome_id: int
    rank_for_demand: int | None
    rank_for_outcome: int | None
    state: str


STORED = [
    "pk",
    "demand_id",
    "outcome_id",
    "rank_for_demand",
    "rank_for_outcome",
    "state",
]


def _shown_rankings(
    live: list[MatchItem], proposals: Iterable[_Stored | _Row]
) -> set[tuple[int, int, int]]:
    """(listing, rank, counterpart) of the chunk's listings' own rankings, as their
    public pages show them (retired rows are not shown)."""
    sides = {item.id: item.side for item in live}
    shown: set[tuple[int, int, int]] = set()
    for proposal in proposals:
        if proposal.state == ProposalState.RETIRED:
            continue
        demand_id, outcome_id = proposal.demand_id, proposal.outcome_id
        if sides.get(demand_id) is Side.DEMAND and proposal.rank_for_demand:
            shown.add((demand_id, proposal.rank_for_demand, outcome_id))
        if sides.get(outcome_id) is Side.OUTCOME and proposal.rank_for_outcome:
            shown.add((outcome_id, proposal.rank_for_outcome, demand_id))
    return shown


def _write(
    live: list[MatchItem],
    rows: list[list[_Row]],
    stamp: _Stamp,
    scored: list[list[Scored]],
    terms: list[list[str]],
    candidates: Mapping[int, MatchItem],
) -> dict[int, Refreshed]:
    """Upsert the chunk's proposals, retire the stale ones, note the demands' gaps.

    Rows are locked and written in (demand, outcome) order, the order every worker
    uses, so that two chunks sharing pairs wait for each other instead of deadlocking
    (the task still retries a deadlock, with back-off).
    """
    now = timezone.now()
    chunk = {side: {i.id for i in live if i.side is side} for side in Side}
    kept = {side: set[tuple[int, int]]() for side in Side}
    for item, own in zip(live, rows, strict=True):
        kept[item.side].update(_pair(p) for p in own)
    with transaction.atomic():
        # Only the columns decided from: reading whole rows decoded every stored
        # explanation's JSON, most of this stage's time.
        existing = [
            _Stored(*row)
            for row in Proposal.objects.select_for_update()
            .filter(
                Q(demand_id__in=chunk[Side.DEMAND])
                | Q(outcome_id__in=chunk[Side.OUTCOME])
            )
            .order_by("demand_id", "outcome_id")
            .values_list(*STORED)
        ]
        # Demands' rows first, as a full refresh orders its chunks: a pair computed
        # from both sides keeps the scores of its outcome's computation.
        for side in (Side.DEMAND, Side.OUTCOME):
            _upsert(
                side,
                [
                    p
                    for item, own in zip(live, rows, strict=True)
                    if item.side is side
                    for p in own
                ],
                stamp,
            )
        revive: list[int] = []
        cleared: dict[Side, list[int]] = {side: [] for side in Side}
        retire: list[int] = []
        retired_by: dict[int, int] = {}
        for proposal in existing:
            pair = (proposal.demand_id, proposal.outcome_id)
            ranks = {
                Side.DEMAND: proposal.rank_for_demand,
                Side.OUTCOME: proposal.rank_for_outcome,
            }
            owner = {Side.DEMAND: pair[0], Side.OUTCOME: pair[1]}
            if any(pair in kept[side] for side in Side):
                if proposal.state == ProposalState.RETIRED:
                    revive.append(proposal.pk)
                continue
            dropped = None
            for side in Side:
                if owner[side] in chunk[side] and ranks[side] is not None:
                    ranks[side] = None
                    cleared[side].append(proposal.pk)
                    dropped = owner[side]
            if (
                dropped is not None
                and ranks[Side.DEMAND] is None
                and ranks[Side.OUTCOME] is None
                and proposal.state not in DECIDED_STATES
                and proposal.state != ProposalState.RETIRED
            ):
                retire.append(proposal.pk)
                retired_by[dropped] = retired_by.get(dropped, 0) + 1
        if revive:
            Proposal.objects.filter(pk__in=revive).update(
                state=ProposalState.PROPOSED, retired_at=None
            )
        for side, pks in cleared.items():
            if pks:
                Proposal.objects.filter(pk__in=pks).update(**{OWN_RANK[side]: None})
        if retire:
            Proposal.objects.filter(pk__in=retire).update(
                state=ProposalState.RETIRED, retired_at=now
            )
        _note_gaps(live, scored, terms, candidates, now)
        written = [p for own in rows for p in own]
        if _shown_rankings(live, existing) != _shown_rankings(live, written):
            # A public page's 相关成果/相关需求 follow the listing's own ranking.
            related_changed()
    return {
        item.id: Refreshed(item.id, len(own), retired_by.get(item.id, 0))
        for item, own in zip(live, rows, strict=True)
    }


def gap_reason(
    item: MatchItem,
    scored: list[Scored],
    terms: list[str],
    counterparts: Mapping[int, MatchItem],
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


def _note_gaps(
    live: list[MatchItem],
    scored: list[list[Scored]],
    terms: list[list[str]],
    candidates: Mapping[int, MatchItem],
    now: dt.datetime,
) -> None:
    """Put the demands served badly on the agents' list; take the others off it."""
    served: list[int] = []
    gaps: list[MatchGap] = []
    for item, entries, words in zip(live, scored, terms, strict=True):
        if item.side is not Side.DEMAND:
            continue
        found = gap_reason(item, entries, words, candidates)
        if found is None:
            served.append(item.id)
            continue
        reason, similarity = found
        gaps.append(
            MatchGap(
                demand_id=item.id,
                reason=reason,
                best_similarity=similarity,
                key_terms=len(words),
                noted_at=now,
            )
        )
    if served:
        MatchGap.objects.filter(demand_id__in=served).delete()
    if gaps:
        MatchGap.objects.bulk_create(
            sorted(gaps, key=lambda gap: gap.demand_id),
            update_conflicts=True,
            unique_fields=["demand"],
            update_fields=["reason", "best_similarity", "key_terms"],
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


def _store_vectors(
    live: list[MatchItem], model: EmbeddingModel | None, vectors: Vectors | None
) -> None:
    """Put listings published or changed since the last training among the kNN
    candidates (only those whose stored vector differs)."""
    if model is None or vectors is None:
        return
    stored = dict(
        ItemVector.objects.filter(
            model=model, listing_id__in=[item.id for item in live]
        ).values_list("listing_id", "vector")
    )
    changed = [
        (item.id, item.side.value, vectors[n])
        for n, item in enumerate(live)
        if bytes(stored.get(item.id) or b"")
        != np.asarray(vectors[n], dtype=np.float32).tobytes()
    ]
    if changed:
        get_store().write(model, changed)
