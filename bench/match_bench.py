"""Matching benchmark: full refresh vs a bare baseline, 2 Celery workers vs 1, re-match.

Seeds the search benchmark's corpus (bench/search_corpus.py: realistic Chinese outcomes
and demands) into its own database, then, for each search backend, measures side by
side in one run:

- training the embedding (LSA over the stored tokens), from scratch;
- the full refresh (top 20 both ways, in chunks, ``refresh_in_chunks``) in this process,
  split by stage, against a bare baseline that does the same retrieval with the same
  clients and no Django: per chunk one lexical ``_msearch`` and one kNN ``_msearch``
  (Elasticsearch; the matcher's bodies and response filter), or the embedded search
  backend's queries and one numpy top-k;
- the same refresh fanned out to 1, then 2, real Celery worker processes
  (bench/match_worker.py, solo pool), wall time and each worker's peak memory;
- the re-match of one listing after an edit of its summary, over ``--edits`` edits.

    nice .venv/bin/python bench/match_bench.py [--outcomes 1000] [--demands 500]
        [--backends elasticsearch,embedded] [--chunk 200] [--edits 30] [--fresh]

The issue's size (several hours on 2 cores, most of it seeding and the embedded
backend; run it alone):

    nice .venv/bin/python bench/match_bench.py --outcomes 100000 --demands 50000

Settings ``config.settings.bench_match``: database ``techmatch_benchmatch`` (created
if missing; ``--fresh`` drops it first), Redis db 14, index prefix ``benchmatch``;
``BENCH_MATCH_DATABASE_URL``, ``BENCH_MATCH_REDIS_URL`` and ``BENCH_MATCH_INDEX_PREFIX``
point it elsewhere. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "config.settings.bench_match"
DEFAULT_DATABASE_URL = (
    "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_benchmatch"
)
QUEUE = "match-bench"
BACKENDS = ("elasticsearch", "embedded")
TARGET_RATIO = 1.5
TARGET_P95_MS = 300.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rounded(seconds: float) -> float:
    return round(seconds, 3)


# --- Database and corpus ----------------------------------------------------------------


def ensure_database(fresh: bool) -> str:
    """Create the bench database if missing (drop it first with ``fresh``); its name."""
    import psycopg

    url = os.environ.get("BENCH_MATCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return name


def setup_django(backend: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["BENCH_MATCH_BACKEND"] = backend
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(outcomes: int, demands: int, fresh: bool) -> dict[str, Any]:
    """The corpus (written once; re-runs reuse it) and the published counts."""
    database = ensure_database(fresh)
    setup_django(BACKENDS[0])
    from bench.search_corpus import ensure_corpus

    if fresh:
        from search.backends.elasticsearch import ElasticsearchBackend

        ElasticsearchBackend().drop_all()
    corpus = ensure_corpus(outcomes, demands, processes=2)
    if (corpus["outcomes_published"], corpus["demands_published"]) != (
        outcomes,
        demands,
    ):
        # Batches are keyed by their first listing: another size left a mixed corpus.
        sys.exit(
            f"the database holds {corpus['outcomes_published']} outcomes and "
            f"{corpus['demands_published']} demands: run again with --fresh"
        )
    return {"database": database, **corpus}


def ensure_search_index() -> float:
    """Index the corpus in the configured backend unless it is there; seconds spent."""
    from django.conf import settings

    from market.models import Listing, ListingStatus
    from search.models import EmbeddedDocument
    from search.reindex import reindex

    started = time.perf_counter()
    for kind in ("outcome", "demand"):
        published = Listing.objects.filter(
            kind=kind, status=ListingStatus.PUBLISHED
        ).count()
        if settings.SEARCH_BACKEND == "elasticsearch":
            from search.backends.elasticsearch import get_client, index_name
            from search.documents import INDEXES

            client = get_client()
            alias = index_name(INDEXES[kind])
            indexed = (
                client.count(index=alias)["count"]
                if client.indices.exists_alias(name=alias)
                else -1
            )
        else:
            indexed = EmbeddedDocument.objects.filter(body__kind=kind).count()
        if indexed != published:
            reindex(kind)
    if settings.SEARCH_BACKEND == "elasticsearch":
        from search.backends import get_backend

        get_backend().refresh()
    return time.perf_counter() - started


# --- Measurements (one backend, in a process of its own) ---------------------------------


def train() -> tuple[float, Any]:
    """Train the embedding from scratch (earlier models and their vectors dropped)."""
    from matching.models import EmbeddingModel
    from matching.services.training import _embedders, train_model
    from matching.vectors import ElasticsearchVectors

    for old in EmbeddingModel.objects.all():
        ElasticsearchVectors().drop(old)
        old.delete()
    _embedders.clear()
    started = time.perf_counter()
    model = train_model()
    return time.perf_counter() - started, model


def forget_proposals() -> None:
    from matching.models import MatchGap, Proposal

    Proposal.objects.all().delete()
    MatchGap.objects.all().delete()


def full_refresh(chunks: list[list[int]]) -> dict[str, Any]:
    """The refresh in this process, chunk by chunk, split by stage."""
    from matching.models import Proposal
    from matching.services.proposals import Stages, refresh_in_chunks

    forget_proposals()
    stages = Stages()
    started = time.perf_counter()
    for _ in refresh_in_chunks(chunks, stages=stages):
        pass
    seconds = time.perf_counter() - started
    return {
        "seconds": rounded(seconds),
        "stages": {name: rounded(value) for name, value in stages.seconds.items()},
        "proposals": Proposal.objects.current().count(),
    }


def baseline_work(chunks: list[list[int]]) -> list[dict[str, Any]]:
    """Per chunk, what the baseline sends: prepared outside its timing."""
    from matching.items import match_items
    from matching.retrieval import OTHER_KIND, lexical_body, query_terms
    from matching.services.training import active_model, load_embedder
    from matching.vectors import ElasticsearchVectors, knn_body
    from search.backends.elasticsearch import index_name
    from search.documents import INDEXES
    from search.query import MAX_PER_PAGE, SearchFilters, SearchRequest

    model = active_model()
    assert model is not None
    embedder = load_embedder(model)
    vector_index = ElasticsearchVectors().index(model)
    work = []
    for chunk in chunks:
        items = list(match_items(chunk).values())
        vectors = embedder.embed([item.tokens for item in items])
        lexical: list[dict[str, Any]] = []
        requests = []
        knn: list[dict[str, Any]] = []
        queries: dict[str, list[Any]] = {}
        for n, item in enumerate(items):
            kind = str(OTHER_KIND[item.side])
            terms = query_terms(item, embedder)
            if terms:
                lexical += [{"index": index_name(INDEXES[kind])}]
                lexical += [lexical_body(kind, terms)]
                requests.append(
                    SearchRequest(
                        q=" ".join(terms),
                        filters=SearchFilters(kind=kind),
                        per_page=MAX_PER_PAGE,
                        verbatim=True,
                    )
                )
            if vectors[n].any():
                knn += [{"index": vector_index}]
                knn += [knn_body(vectors[n], kind, MAX_PER_PAGE, [item.id])]
                queries.setdefault(kind, []).append(vectors[n])
        work.append(
            {"lexical": lexical, "requests": requests, "knn": knn, "queries": queries}
        )
    return work


def baseline(work: list[dict[str, Any]]) -> dict[str, Any]:
    """The same retrieval, bare: the client's ``_msearch`` calls, or the embedded
    backend's queries and a numpy top-k over the vectors (loaded beforehand)."""
    import numpy as np
    from django.conf import settings

    from matching.engine.embedding import top_k
    from matching.models import ItemVector
    from matching.services.training import active_model
    from matching.vectors import MSEARCH_FILTER_PATH as FILTER_PATH
    from search.backends import get_backend
    from search.backends.elasticsearch import get_client

    elastic = settings.SEARCH_BACKEND == "elasticsearch"
    matrices = {}
    if not elastic:
        model = active_model()
        for kind in ("outcome", "demand"):
            rows = ItemVector.objects.filter(model=model, kind=kind).order_by(
                "listing_id"
            )
            matrices[kind] = np.vstack(
                [
                    np.frombuffer(bytes(v), dtype=np.float32)
                    for v in rows.values_list("vector", flat=True)
                ]
            )
    client = get_client()
    backend = get_backend()
    lexical = semantic = 0.0
    for chunk in work:
        started = time.perf_counter()
        if elastic:
            if chunk["lexical"]:
                client.msearch(searches=chunk["lexical"], filter_path=FILTER_PATH)
        else:
            backend.search_many(chunk["requests"])
        middle = time.perf_counter()
        if elastic:
            if chunk["knn"]:
                client.msearch(searches=chunk["knn"], filter_path=FILTER_PATH)
        else:
            for kind, queries in chunk["queries"].items():
                top_k(np.vstack(queries), matrices[kind], 51)
        semantic += time.perf_counter() - middle
        lexical += middle - started
    return {
        "seconds": rounded(lexical + semantic),
        "lexical_seconds": rounded(lexical),
        "semantic_seconds": rounded(semantic),
    }


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def start_workers(count: int) -> list[tuple[str, subprocess.Popen[bytes]]]:
    from config.celery import app

    host = socket.gethostname()
    workers = []
    for n in range(count):
        name = f"matchbench{n + 1}-{os.getpid()}"
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "match_worker.py"), name],
            env=os.environ.copy(),
            cwd=ROOT,
            stdout=sys.stderr,  # this process's stdout carries only the JSON
        )
        workers.append((f"{name}@{host}", process))
    deadline = time.monotonic() + 120
    waiting = {name for name, _ in workers}
    while waiting and time.monotonic() < deadline:
        for answer in app.control.ping(destination=sorted(waiting), timeout=1.0):
            waiting -= set(answer)
        if any(process.poll() is not None for _, process in workers):
            raise RuntimeError("a benchmark worker exited at start")
    if waiting:
        raise RuntimeError(f"workers not ready: {sorted(waiting)}")
    return workers


def stop_workers(workers: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _, process in workers:
        process.send_signal(signal.SIGTERM)
    for _, process in workers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def with_workers(count: int, chunks: list[list[int]]) -> dict[str, Any]:
    """The refresh fanned out to ``count`` worker processes; wall time and memory."""
    from celery import group

    from matching.tasks import match_listings

    forget_proposals()
    workers = start_workers(count)
    try:
        started = time.perf_counter()
        result = group(
            match_listings.s(chunk).set(queue=QUEUE) for chunk in chunks
        ).apply_async()
        result.get(timeout=6 * 3600, propagate=True)
        seconds = time.perf_counter() - started
        memory = [peak_rss_mib(process.pid) for _, process in workers]
    finally:
        stop_workers(workers)
    return {"workers": count, "seconds": rounded(seconds), "peak_rss_mib": memory}


def rematch(edits: int) -> dict[str, Any]:
    """Edit a listing's summary, then time its re-match (``refresh_item``)."""
    from market.models import Listing, ListingStatus
    from matching.services.proposals import refresh_item
    from search.texts import record_texts

    ids = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED).values_list(
            "pk", "summary"
        )
    )
    rng = random.Random(10)
    timings = []
    for n, (pk, summary) in enumerate(rng.sample(ids, min(edits, len(ids)))):
        # A queryset update: no signal queues a task for the workers of this bench.
        Listing.objects.filter(pk=pk).update(summary=f"{summary}（补充说明{n}）")
        record_texts([pk])
        started = time.perf_counter()
        refresh_item(pk)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "edits": len(timings),
        "p50_ms": round(statistics.median(timings), 1) if timings else 0.0,
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings, default=0.0), 1),
        "target_p95_ms": TARGET_P95_MS,
    }


def baseline_parallel(work: list[dict[str, Any]], threads: int) -> dict[str, Any]:
    """The bare baseline with ``threads`` clients at once (the chunks dealt round
    robin), to set beside the refresh on as many Celery workers: wall time."""
    from concurrent.futures import ThreadPoolExecutor

    shares = [work[n::threads] for n in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(baseline, shares))
    return {"threads": threads, "seconds": rounded(time.perf_counter() - started)}


def measure(backend: str, chunk: int, edits: int) -> dict[str, Any]:
    """Every figure of one backend."""
    setup_django(backend)
    from market.models import Listing, ListingStatus
    from matching.tasks import refresh_chunks

    load_before = os.getloadavg()
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    index_seconds = ensure_search_index()
    training_seconds, model = train()
    chunks = refresh_chunks(chunk)
    work = baseline_work(chunks)
    baseline(work)  # warm-up: both sides then read from warm caches
    bare = baseline(work)
    bare_two = baseline_parallel(work, 2)
    refresh = full_refresh(chunks)
    one = with_workers(1, chunks)
    two = with_workers(2, chunks)
    incremental = rematch(edits)
    return {
        "backend": backend,
        "outcomes": published.filter(kind="outcome").count(),
        "demands": published.filter(kind="demand").count(),
        "chunk": chunk,
        "chunks": len(chunks),
        "index_seconds": rounded(index_seconds),
        "training_seconds": rounded(training_seconds),
        "model": {"version": model.version, "dimensions": model.dimensions},
        "full_refresh": refresh,
        "baseline": bare,
        "ratio_to_baseline": round(refresh["seconds"] / max(bare["seconds"], 1e-9), 2),
        "retrieval_ratio_to_baseline": round(
            (refresh["stages"].get("lexical", 0) + refresh["stages"].get("semantic", 0))
            / max(bare["seconds"], 1e-9),
            2,
        ),
        "target_ratio": TARGET_RATIO,
        "celery": {
            "one_worker": one,
            "two_workers": two,
            "wall_ratio_two_to_one": round(
                two["seconds"] / max(one["seconds"], 1e-9), 2
            ),
            # The refresh as the nightly task runs it (2 workers) against the bare
            # baseline with as many clients at once.
            "baseline_two_clients": bare_two,
            "two_workers_ratio_to_baseline_two_clients": round(
                two["seconds"] / max(bare_two["seconds"], 1e-9), 2
            ),
        },
        "peak_worker_rss_mib": max(one["peak_rss_mib"] + two["peak_rss_mib"]),
        "bench_process_peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
        "incremental": incremental,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=1000)
    parser.add_argument("--demands", type=int, default=500)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--only", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:  # one backend, in a process of its own (settings are per process)
        print(json.dumps(measure(args.only, args.chunk, args.edits)))
        return
    backends = [b for b in args.backends.split(",") if b]
    for backend in backends:
        if backend not in BACKENDS:
            parser.error(f"unknown backend {backend!r}")
    started = time.perf_counter()
    corpus = seed(args.outcomes, args.demands, args.fresh)
    results = {}
    for backend in backends:
        answer = subprocess.run(
            [
                sys.executable,
                __file__,
                f"--only={backend}",
                f"--chunk={args.chunk}",
                f"--edits={args.edits}",
            ],
            check=True,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        results[backend] = json.loads(answer.stdout.decode().strip().splitlines()[-1])
    print(
        json.dumps(
            {
                "benchmark": "match",
                "cpus": os.cpu_count(),
                "corpus": corpus,
                "backends": results,
                "seconds": round(time.perf_counter() - started, 1),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
