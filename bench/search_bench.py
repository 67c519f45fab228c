"""Search benchmarks: reindex throughput, endpoint latency, freshness and web memory.

Runs against the corpus of bench/search_corpus.py (100,000 outcomes and 50,000 demands
in the database ``techmatch_search_bench``, settings ``config.settings.bench_search``,
Elasticsearch index prefix ``bench``, Redis db 10) and prints one JSON object with the
machine's core count, the corpus counts and the figures of each measure asked for:

- ``reindex``: ``search.reindex.reindex(kind)`` of both kinds, next to
  ``elasticsearch.helpers.bulk`` of the same documents — built beforehand in memory by
  ``search.reindex.changes_of`` — into a scratch index with the same mapping and
  settings, with the same chunk size, round after round in the same run.
- ``latency``: gunicorn as deployed (the Dockerfile's command: gthread workers,
  ``WEB_CONCURRENCY`` 3, ``--max-requests 10000``) on 127.0.0.1:8012 serving
  ``GET /api/search/``, driven by wrk (8 connections) over a fixed list of queries
  with facets and highlights; then the bare Elasticsearch request of the same
  searches (``search_body`` of the same request, POSTed to ``_search``) by wrk with
  the same connections. Rounds alternate app and bare. Also ``memory``: the resident
  and proportional set size of every gunicorn worker after warm-up and after the run.
- ``freshness``: a real Celery worker (``celery -A config worker --concurrency 2``);
  ``--trials`` times a published outcome's title gets a new unique word, saved with
  the ``listings_changed`` signal in one transaction as the services do, and
  Elasticsearch is polled until a search for that word finds the listing.

    .venv/bin/python bench/search_bench.py [--create] [reindex] [latency] [freshness]
        [--rounds 2] [--seconds 20] [--connections 8] [--trials 50]
        [--corpus synthetic|csl]

``--create`` creates and migrates the database and writes the corpus if it is missing
(bench/search_corpus.py). Without a measure named, all run. ``--corpus csl`` measures
latency only, on the real CSL abstracts bench/search_eval_csl.py imported (settings
``config.settings.bench_csl``), with 96 of the CSL dev queries instead of the fixed list. Needs
``scripts/services.sh up`` (PostgreSQL, Redis, Elasticsearch) and wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_corpus import (
    ROOT,
    SETTINGS,
    create_database,
    ensure_corpus,
    setup_django,
)

# Another port (BENCH_SEARCH_PORT) lets two checkouts benchmark at once.
PORT = int(os.environ.get("BENCH_SEARCH_PORT", "8012"))
BASE = f"http://127.0.0.1:{PORT}"
ES = "http://127.0.0.1:9200"
ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "CELERY_BROKER_URL")
}
ENV.update(DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(ROOT))
CSL_SETTINGS = "config.settings.bench_csl"

# What visitors type: products, materials, methods and problems of the eight fields.
QUERIES = [
    "锂电池正极材料",
    "工业视觉检测",
    "污水深度处理",
    "碳纤维复合材料",
    "氢燃料电池",
    "5G通信",
    "中药配方颗粒",
    "无人机",
    "减速器",
    "VOCs治理",
    "固态电池",
    "知识产权运营",
    "生物降解塑料",
    "边缘计算网关",
    "数控机床 精度",
    "光伏组件回收",
    "单克隆抗体",
    "稀土永磁",
    "储能变流器",
    "土壤修复",
    "工业机器人 机器视觉",
    "医用钛合金",
    "智能微电网",
    "隐私计算",
    "激光焊接",
    "余热回收 节能",
    "体外诊断试剂",
    "航空发动机叶片",
    "石墨烯",
    "重金属废水",
    "深度学习 缺陷检测",
    "钠离子电池",
]
# Filter combinations the facets lead to (one per query, cycling).
FILTERS: list[dict[str, str]] = [
    {},
    {"kind": "outcome"},
    {"kind": "demand"},
    {"field": "04"},
    {"region": "320000"},
    {"stage": "pilot"},
    {"mode": "license"},
    {"price": "50-200"},
    {"org": "university"},
    {"kind": "outcome", "field": "06", "stage": "trial"},
    {"kind": "demand", "price": "negotiable"},
    {"field": "0804", "region": "440000"},
    {"trl": "6"},
    {"kind": "outcome", "org": "institute", "mode": "transfer"},
    {"sort": "newest"},
    {"kind": "outcome", "sort": "-price"},
    {"page": "2"},
]


# ``--corpus csl``: the CSL dev queries (half keywords, half paper titles) over the
# imported abstracts, which all share one field, region and organisation: no filters.
CSL_QUERIES = 96
CORPUS = {"name": "synthetic"}


def search_params() -> list[dict[str, str]]:
    """The fixed list of searches: 96 in all.

    Synthetic corpus: every query with a filter combination. CSL: a deterministic
    sample of the dev queries (bench/csl.py), as visitors would type them.
    """
    if CORPUS["name"] == "csl":
        from bench import csl

        folder = csl.find_data()
        if folder is None:
            sys.exit(f"bench: {csl.missing_message()}")
        return [{"q": q["query"]} for q in csl.sample(csl.read_queries(folder), 96)]
    params = []
    for i in range(96):
        params.append({"q": QUERIES[i % len(QUERIES)], **FILTERS[i % len(FILTERS)]})
    return params


def use_csl_corpus() -> None:
    """Measure the CSL abstracts of bench/search_eval_csl.py instead (settings
    ``config.settings.bench_csl``: database ``techmatch_search_csl``, prefix
    ``bench-csl``); the evaluation imports them first."""
    CORPUS["name"] = "csl"
    ENV["DJANGO_SETTINGS_MODULE"] = CSL_SETTINGS


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- (1) Reindex -------------------------------------------------------------------------


def raw_bulk(kind: str, changes: list[Any], chunk_size: int) -> float:
    """Seconds to put ``changes`` into a scratch index the way a reindex fills its own."""
    from elasticsearch.helpers import bulk

    from search.backends.elasticsearch import get_client, index_name
    from search.documents import INDEXES, index_body

    client = get_client().options(request_timeout=120)
    name = index_name(f"scratch-{INDEXES[kind]}")
    client.options(ignore_status=404).indices.delete(index=name)
    started = time.perf_counter()
    client.indices.create(index=name, **index_body())
    client.indices.put_settings(
        index=name, settings={"index": {"refresh_interval": "-1"}}
    )
    bulk(
        client,
        (
            {
                "_index": name,
                "_id": str(change.listing_id),
                "version": change.version,
                "version_type": "external",
                "_source": change.body,
            }
            for change in changes
        ),
        chunk_size=chunk_size,
        max_retries=2,
    )
    client.indices.put_settings(
        index=name, settings={"index": {"refresh_interval": None}}
    )
    client.indices.refresh(index=name)
    seconds = time.perf_counter() - started
    client.options(ignore_status=404).indices.delete(index=name)
    return seconds


def measure_reindex(rounds: int, chunk_size: int) -> dict[str, Any]:
    """Our reindex and the raw bulk of the same documents, alternating, per round."""
    from search.reindex import changes_of, kinds, reindex

    prepared: dict[str, list[Any]] = {}
    prepare_seconds: dict[str, float] = {}
    for kind in kinds():
        started = time.perf_counter()
        prepared[kind] = [
            c for c in changes_of(kind, batch=chunk_size) if c.body is not None
        ]
        prepare_seconds[kind] = round(time.perf_counter() - started, 2)
    documents = sum(len(changes) for changes in prepared.values())
    results = []
    for _ in range(rounds):
        raw: dict[str, float] = {}
        ours: dict[str, float] = {}
        sent = 0
        for kind in kinds():
            raw[kind] = raw_bulk(kind, prepared[kind], chunk_size)
            started = time.perf_counter()
            report = reindex(kind, chunk_size=chunk_size)
            ours[kind] = time.perf_counter() - started
            sent += report["documents"]
        raw_rate = documents / sum(raw.values())
        our_rate = sent / sum(ours.values())
        results.append(
            {
                "reindex_docs_per_s": round(our_rate, 1),
                "raw_bulk_docs_per_s": round(raw_rate, 1),
                "ratio": round(our_rate / raw_rate, 3),
                "reindex_seconds": {k: round(v, 2) for k, v in ours.items()},
                "raw_bulk_seconds": {k: round(v, 2) for k, v in raw.items()},
            }
        )
    return {
        "documents": documents,
        "chunk_size": chunk_size,
        # Reading the database and building the bodies alone, without sending them.
        "build_bodies_seconds": prepare_seconds,
        "build_bodies_docs_per_s": round(documents / sum(prepare_seconds.values()), 1),
        "rounds": results,
        "ratio_median": round(statistics.median(r["ratio"] for r in results), 3),
        "target_ratio": 0.85,
    }


def ensure_indices() -> None:
    """Fill the indices once if they do not exist (latency and freshness need them)."""
    from search.backends.elasticsearch import ElasticsearchBackend, index_name
    from search.documents import INDEXES
    from search.reindex import reindex

    backend = ElasticsearchBackend()
    for kind, base in INDEXES.items():
        if not backend.indices_of(index_name(base)):
            reindex(kind)


# --- (2) Latency and (4) memory --------------------------------------------------------------

APP_LUA = """
local paths = {}
for line in io.lines("%(file)s") do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("start", math.random(#paths))
end
function init(args)
  counter = start or 0
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
%(done)s
"""
ES_LUA = """
local bodies = {}
for line in io.lines("%(file)s") do bodies[#bodies + 1] = line end
local counter = 0
function setup(thread)
  thread:set("start", math.random(#bodies))
end
function init(args)
  counter = start or 0
end
function request()
  counter = counter + 1
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json"},
    bodies[(counter %% #bodies) + 1])
end
%(done)s
"""
DONE_LUA = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "socket_errors": %d, "non_2xx": %d, '
    .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, "max_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3, latency.max / 1e3))
end
"""


def run_wrk(lua: str, url: str, *, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        result = subprocess.run(
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    for line in result.stdout.splitlines():
        if line.startswith("WRKJSON "):
            figures = json.loads(line[len("WRKJSON ") :])
            figures["requests_per_s"] = round(
                figures["requests"] / figures["seconds"], 1
            )
            if figures["non_2xx"] or figures["socket_errors"]:
                print(f"bench: wrk errors on {url}: {figures}", file=sys.stderr)
            return figures
    sys.exit(f"bench: wrk failed on {url}:\n{result.stdout}\n{result.stderr}")


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: processes whose parent is the master."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces; the parent id follows the closing ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def memory_of(pid: int) -> dict[str, float]:
    """Resident and proportional set size of a process, in MiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            figures["rss_mib"] = round(int(line.split()[1]) / 1024, 1)
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            figures["pss_mib"] = round(int(line.split()[1]) / 1024, 1)
    return figures


def memory_snapshot(master: int) -> dict[str, Any]:
    workers = {pid: memory_of(pid) for pid in worker_pids(master)}
    return {
        "master": memory_of(master),
        "workers": workers,
        "worker_rss_mib_max": max(w["rss_mib"] for w in workers.values()),
        "workers_pss_mib_total": round(sum(w["pss_mib"] for w in workers.values()), 1),
    }


def start_gunicorn(workers: int, max_requests: int) -> subprocess.Popen[bytes]:
    """gunicorn with the Dockerfile's command line, on 127.0.0.1:PORT."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--preload",
        "--worker-tmp-dir",
        "/dev/shm",
        "--log-level",
        "warning",
    ]
    if max_requests:
        command += [
            "--max-requests",
            str(max_requests),
            "--max-requests-jitter",
            "1000",
        ]
    server = subprocess.Popen(command, cwd=ROOT, env=ENV, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            stop(server)
            sys.exit("bench: gunicorn did not start")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this script started, with its own process group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def bare_bodies(params: list[dict[str, str]]) -> list[str]:
    """The Elasticsearch request body the backend builds for each search."""
    from search.backends.elasticsearch import search_body
    from search.query import SearchRequest, plan

    bodies = []
    for one in params:
        request = SearchRequest.from_params(one)
        bodies.append(
            json.dumps(search_body(request, plan(request.q)), ensure_ascii=False)
        )
    return bodies


def check_api(path: str) -> dict[str, Any]:
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        data = json.loads(response.read())
    if not isinstance(data, dict) or not data:
        sys.exit(f"bench: {path} answered {data!r}: is search_api built yet?")
    return data


def measure_latency(
    rounds: int,
    seconds: int,
    connections: int,
    workers: int,
    max_requests: int,
) -> dict[str, Any]:
    from search.backends.elasticsearch import index_name
    from search.documents import INDEXES

    params = search_params()
    paths = ["/api/search/?" + urlencode(p) for p in params]
    bodies = bare_bodies(params)
    aliases = ",".join(index_name(base) for base in INDEXES.values())
    es_path = f"/{aliases}/_search?ignore_unavailable=true"
    with tempfile.TemporaryDirectory() as folder:
        path_file = Path(folder, "paths.txt")
        path_file.write_text("\n".join(paths) + "\n")
        body_file = Path(folder, "bodies.txt")
        body_file.write_text("\n".join(bodies) + "\n")
        app_lua = APP_LUA % {"file": path_file, "done": DONE_LUA}
        es_lua = ES_LUA % {"file": body_file, "path": es_path, "done": DONE_LUA}
        server = start_gunicorn(workers, max_requests)
        try:
            sample = check_api(paths[0])
            started_pids = worker_pids(server.pid)
            # Warm-up: every worker loads jieba, synonyms, the ES client, templates.
            run_wrk(app_lua, BASE, seconds=5, connections=connections)
            run_wrk(es_lua, ES, seconds=3, connections=connections)
            memory_warm = memory_snapshot(server.pid)
            app_rounds, bare_rounds = [], []
            for _ in range(rounds):
                app_rounds.append(
                    run_wrk(app_lua, BASE, seconds=seconds, connections=connections)
                )
                bare_rounds.append(
                    run_wrk(es_lua, ES, seconds=seconds, connections=connections)
                )
            memory_after = memory_snapshot(server.pid)
            recycled = sorted(set(started_pids) - set(worker_pids(server.pid)))
        finally:
            stop(server)

    def median(rows: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 2)

    app_p95 = median(app_rounds, "p95_ms")
    bare_p95 = median(bare_rounds, "p95_ms")
    allowed = round(1.3 * bare_p95 + 5, 2)
    return {
        "latency": {
            "gunicorn": f"{workers} gthread workers x 4 threads, --preload"
            + (
                f", --max-requests {max_requests} (+jitter 1000)"
                if max_requests
                else ""
            ),
            "wrk": f"2 threads, {connections} connections, {seconds}s per run",
            "searches": len(params),
            "sample_total": sample.get("total"),
            "rounds": rounds,
            "app": app_rounds,
            "bare_elasticsearch": bare_rounds,
            "app_median": {
                k: median(app_rounds, k)
                for k in ("p50_ms", "p95_ms", "p99_ms", "requests_per_s")
            },
            "bare_median": {
                k: median(bare_rounds, k)
                for k in ("p50_ms", "p95_ms", "p99_ms", "requests_per_s")
            },
            "target_p95_ms": allowed,
            "target_met": app_p95 <= allowed,
            "workers_recycled_during_run": len(recycled),
        },
        "memory": {"after_warm_up": memory_warm, "after_latency_run": memory_after},
    }


# --- (3) Freshness ------------------------------------------------------------------------------


def start_worker() -> subprocess.Popen[bytes]:
    """A real Celery worker with the bench settings, answering pings."""
    from config.celery import app

    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
            "-n",
            f"searchbench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
        # Its banner goes to stderr: stdout is this script's JSON.
        stdout=sys.stderr,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit("bench: the Celery worker stopped")
        if app.control.ping(timeout=1.0):
            return worker
    stop(worker)
    sys.exit("bench: the Celery worker did not answer")


def measure_freshness(trials: int) -> dict[str, Any]:
    from django.db import transaction

    from market.models import ListingStatus, Outcome
    from market.signals import listings_changed
    from search.backends.elasticsearch import get_client, index_name
    from search.documents import INDEXES
    from search.sync import pending

    client = get_client()
    alias = index_name(INDEXES["outcome"])
    rng = random.Random()
    ids = list(
        Outcome.objects.filter(
            status=ListingStatus.PUBLISHED, external_id__startswith="sb-o-"
        ).values_list("pk", flat=True)
    )
    worker = start_worker()
    totals: list[float] = []
    commits: list[float] = []
    timeouts = 0
    try:
        for _ in range(trials):
            time.sleep(rng.uniform(0.2, 0.6))  # not in step with the refresh cycle
            pk = rng.choice(ids)
            word = "fx" + "".join(
                rng.choices(string.ascii_lowercase + string.digits, k=8)
            )
            query = {
                "bool": {
                    "filter": [
                        {"term": {"listing_id": pk}},
                        {"match": {"title_words": word}},
                    ]
                }
            }
            started = time.perf_counter()
            with transaction.atomic():
                outcome = Outcome.objects.select_for_update().get(pk=pk)
                outcome.title = f"{outcome.title.split('（')[0][:100]}（{word}）"
                outcome.save()
                listings_changed.send(sender=Outcome, listing_ids=[pk])
            commits.append(time.perf_counter() - started)
            deadline = started + 15
            while True:
                found = client.search(index=alias, query=query, size=0)
                if found["hits"]["total"]["value"]:
                    totals.append(time.perf_counter() - started)
                    break
                if time.perf_counter() > deadline:
                    timeouts += 1
                    break
                time.sleep(0.02)
    finally:
        stop(worker)
    return {
        "trials": trials,
        "worker": "celery worker --concurrency 2 (prefork), Redis broker",
        "found": len(totals),
        "timeouts_15s": timeouts,
        "save_commit_ms_p50": round(percentile(commits, 0.5) * 1000, 1),
        "searchable_ms_p50": round(percentile(totals, 0.5) * 1000, 1),
        "searchable_ms_p95": round(percentile(totals, 0.95) * 1000, 1),
        "searchable_ms_max": round(max(totals) * 1000, 1),
        "target_p95_ms": 2000,
        "target_met": not timeouts and percentile(totals, 0.95) <= 2.0,
        "outbox_pending_after": pending(),
    }


# --- Command ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "measures", nargs="*", help="reindex, latency, freshness (all when none)"
    )
    parser.add_argument("--create", action="store_true", help="database and corpus")
    parser.add_argument(
        "--corpus",
        choices=("synthetic", "csl"),
        default="synthetic",
        help="csl: the real abstracts bench/search_eval_csl.py imported (latency only)",
    )
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="WEB_CONCURRENCY")
    parser.add_argument("--max-requests", type=int, default=10000, help="0: never")
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    measures = args.measures or ["reindex", "latency", "freshness"]
    unknown = set(measures) - {"reindex", "latency", "freshness"}
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
    if args.corpus == "csl":
        if args.create or set(measures) - {"latency"}:
            parser.error("--corpus csl measures latency only (import: search_eval_csl)")
        measures = ["latency"]
        use_csl_corpus()

    if args.create:
        create_database()
    setup_django(ENV["DJANGO_SETTINGS_MODULE"])
    from market.models import Listing, ListingStatus

    if args.create:
        ensure_corpus(args.outcomes, args.demands)
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    result: dict[str, Any] = {
        "benchmark": "search",
        "corpus": args.corpus,
        "cores": os.cpu_count(),
        "outcomes_published": published.filter(kind="outcome").count(),
        "demands_published": published.filter(kind="demand").count(),
    }
    if "reindex" in measures:
        result["reindex"] = measure_reindex(args.rounds, args.chunk_size)
    ensure_indices()
    if "latency" in measures:
        result.update(
            measure_latency(
                args.rounds,
                args.seconds,
                args.connections,
                args.workers,
                args.max_requests,
            )
        )
    if "freshness" in measures:
        result["freshness"] = measure_freshness(args.trials)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
