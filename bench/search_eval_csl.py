"""Search ranking on real Chinese abstracts (CSL), both backends, next to plain BM25.

Imports the 4,758 CSL abstracts as published outcomes through the import service
(``market.imports.importer.import_listings``, as ``manage.py import_listings`` does;
the abstract is the description, title and summary are neutral) into the scratch
database ``techmatch_search_csl`` (settings ``config.settings.bench_csl``), indexes
them under the scratch prefix ``bench-csl`` (Elasticsearch) and in the embedded table,
runs every dev query through ``search.selectors.search_listings`` — the selector of
``/api/search/`` — and prints R@1, R@10 and MRR@10 by query type and for the hard
subset, next to the reference (BM25 over character bigrams of the abstracts alone)
computed in the same run. The data is read from ``../shared/eval/csl`` (or
``--data`` / ``CSL_EVAL_DIR``) and never copied; without it the script says so and
exits 0.

    .venv/bin/python bench/search_eval_csl.py [--backend elasticsearch|embedded]
        [--limit N] [--json] [--data DIR] [--pad-to N]

``--pad-to 15000`` builds the catalogue issue 13 was reported on instead: the abstracts
plus synthetic listings of bench/search_corpus.py (two outcomes to one demand) up to N
published listings, in a database and index prefix of its own
(``techmatch_search_csl_<N>``, ``bench-csl-<N>``); the papers must then be found among
thousands of unrelated listings. ``bench/search_bench.py latency --corpus csl`` serves
it with ``BENCH_CSL_DATABASE_URL`` and ``BENCH_CSL_INDEX_PREFIX`` set the same way.

The import runs once (about 2 minutes); later runs reuse the scratch database (an
abstract changed in the data is imported again). Needs PostgreSQL, Redis and
Elasticsearch on 127.0.0.1 (``scripts/services.sh up``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import csl  # noqa: E402

SETTINGS = "config.settings.bench_csl"
DATABASE = "techmatch_search_csl"
USER_EMAIL = "csl-eval@bench.local"
CHUNK = 1000  # rows per import call (the import takes at most 5,000)


def create_database(name: str = DATABASE) -> bool:
    """Create the scratch database if it is missing; whether it was created."""
    import psycopg

    if name == DATABASE and os.environ.get("BENCH_CSL_DATABASE_URL"):
        return False
    with psycopg.connect(
        "postgresql://techmatch:techmatch@127.0.0.1:5432/techmatch", autocommit=True
    ) as conn:
        if conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone():
            return False
        conn.execute(f"CREATE DATABASE {name}")
        return True


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


def _bare(text: str) -> str:
    """Text without spaces and control characters (what the import may change)."""
    return re.sub(r"[\s\x00-\x1f\x7f]+", "", text)


def import_corpus(docs: list[dict[str, Any]], *, log: Any = print) -> dict[str, Any]:
    """Import the abstracts that are not in the database as they are (all or none per
    chunk); the ids of every CSL listing by document id."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from market.imports.importer import import_listings
    from market.models import Listing, ListingStatus, Organisation, OrganisationKind
    from search.texts import plain_text

    call_command("migrate", "--noinput", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(
        email=USER_EMAIL, defaults={"username": "csl-eval"}
    )
    Organisation.objects.get_or_create(
        name=csl.ORGANISATION,
        defaults={"kind": OrganisationKind.INSTITUTE, "is_verified": True},
    )
    rows = [csl.row_of(doc, number) for number, doc in enumerate(docs, start=1)]
    stored = {
        external_id: (status, description)
        for external_id, status, description in Listing.objects.filter(
            external_id__in=[row["external_id"] for row in rows]
        ).values_list("external_id", "status", "outcome__description")
    }

    def same(row: dict[str, str]) -> bool:
        status, description = stored.get(row["external_id"], ("", ""))
        return status == ListingStatus.PUBLISHED and _bare(
            plain_text(description or "")
        ) == _bare(row["description"])

    # A published row whose abstract is stored already (as HTML paragraphs) needs
    # nothing; a changed or new one is imported.
    todo = [row for row in rows if not same(row)]
    started = time.perf_counter()
    for at in range(0, len(todo), CHUNK):
        chunk = todo[at : at + CHUNK]
        report = import_listings(
            "outcome",
            chunk,
            dry_run=False,
            by_user_id=user.pk,
            default_status=ListingStatus.PUBLISHED,
        )
        if not report.ok:
            sys.exit(
                "csl: the import refused rows:\n" + "\n".join(report.error_lines())
            )
        log(f"csl: imported {at + len(chunk)} of {len(todo)} rows", file=sys.stderr)
    ids = dict(
        Listing.objects.filter(
            external_id__in=[row["external_id"] for row in rows],
            status=ListingStatus.PUBLISHED,
        ).values_list("pk", "external_id")
    )
    return {
        "imported_rows": len(todo),
        "import_seconds": round(time.perf_counter() - started, 1),
        "listings": ids,
    }


def padded_names(size: int) -> dict[str, str]:
    """The database URL and index prefix of a catalogue padded to ``size`` listings."""
    return {
        "BENCH_CSL_DATABASE_URL": (
            f"postgres://techmatch:techmatch@127.0.0.1:5432/{DATABASE}_{size}"
        ),
        "BENCH_CSL_INDEX_PREFIX": f"bench-csl-{size}",
    }


def pad_catalogue(size: int, abstracts: int) -> dict[str, Any]:
    """Add synthetic listings (bench/search_corpus.py, two outcomes to one demand)
    until the catalogue holds ``size`` published listings; what was written."""
    from bench.search_corpus import ensure_corpus

    extra = max(0, size - abstracts)
    outcomes = round(extra * 2 / 3)
    return ensure_corpus(outcomes, extra - outcomes)


def index(backend_name: str) -> float:
    """Fill the backend's index from the scratch database; seconds taken."""
    from django.test import override_settings

    from search.backends import get_backend
    from search.reindex import reindex

    started = time.perf_counter()
    with override_settings(SEARCH_BACKEND=backend_name):
        backend = get_backend()
        backend.drop_all()
        for kind in ("outcome", "demand"):
            reindex(kind, backend=backend)
        backend.refresh()
        backend.forget_vocabulary()
    return time.perf_counter() - started


def run_queries(
    backend_name: str, queries: list[dict[str, Any]], listings: dict[int, str]
) -> tuple[dict[str, int | None], float]:
    """The target's rank of every query through the API's selector; seconds taken."""
    from django.test import override_settings

    from search.query import SearchRequest
    from search.selectors import search_listings

    ranks: dict[str, int | None] = {}
    started = time.perf_counter()
    with override_settings(SEARCH_BACKEND=backend_name):
        for query in queries:
            request = SearchRequest.from_params({"q": query["query"], "per_page": "10"})
            results = search_listings(request)
            found = [listings.get(hit.listing_id, "") for hit in results.hits]
            ranks[str(query["query_id"])] = csl.rank_of(
                str(query["target_doc_id"]), found
            )
    return ranks, time.perf_counter() - started


def format_table(report: dict[str, Any]) -> str:
    """The figures as a Markdown table: each backend, then the reference."""
    columns = [name for name in ("elasticsearch", "embedded") if name in report]
    head = "| queries | n | " + " | ".join(
        f"{name} R@1 / R@10 / MRR@10" for name in [*columns, "BM25 bigrams"]
    )
    lines = [head + " |", "|---|---:|" + "---|" * (len(columns) + 1)]
    for row in csl.ROWS:
        reference = report["reference"]["rows"].get(row)
        if reference is None:
            continue
        cells = []
        for name in [*columns, "reference"]:
            figures = report[name]["rows"][row]
            cells.append(
                f"{figures['R@1']:.3f} / {figures['R@10']:.3f} / {figures['MRR@10']:.3f}"
            )
        lines.append(f"| {row} | {reference['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(report: dict[str, Any]) -> list[str]:
    """The issue's targets, each with whether it is met in this run."""
    checks: list[str] = []
    reference = report["reference"]["rows"]
    es = report.get("elasticsearch", {}).get("rows", {})
    embedded = report.get("embedded", {}).get("rows", {})
    for row, base in reference.items():
        if row in es:
            margin = 0.05 if row.endswith("hard") else 0.0
            for metric in ("R@1", "R@10", "MRR@10"):
                need = base[metric] + (margin if metric == "MRR@10" else 0.0)
                if metric != "MRR@10" and margin:
                    need = base[metric]
                ok = es[row][metric] >= need - 1e-9
                checks.append(
                    f"{'met ' if ok else 'SHORT'} elasticsearch {row} {metric} "
                    f"{es[row][metric]:.3f} >= {need:.3f}"
                )
        if row in es and row in embedded:
            for metric in ("R@1", "R@10", "MRR@10"):
                need = 0.95 * es[row][metric]
                ok = embedded[row][metric] >= need - 1e-9
                checks.append(
                    f"{'met ' if ok else 'SHORT'} embedded {row} {metric} "
                    f"{embedded[row][metric]:.3f} >= 0.95 x es = {need:.3f}"
                )
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"folder of the CSL files ({csl.ENV_DIR})")
    parser.add_argument(
        "--backend",
        action="append",
        choices=("elasticsearch", "embedded"),
        help="measure only this backend (repeatable; default both)",
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="the deterministic sample of N queries"
    )
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--pad-to",
        type=int,
        default=0,
        metavar="N",
        help="a catalogue of N listings: the abstracts plus synthetic ones",
    )
    args = parser.parse_args()
    if args.pad_to and args.pad_to < 5000:
        parser.error("--pad-to takes a catalogue size of at least 5000 listings")
    folder = csl.find_data(args.data)
    if folder is None:
        print(f"search_eval_csl: {csl.missing_message(args.data)} Nothing measured.")
        return
    docs = csl.read_corpus(folder)
    queries = csl.read_queries(folder)
    if args.limit:
        queries = csl.sample(queries, args.limit)
    if args.pad_to:
        os.environ.update(padded_names(args.pad_to))
        create_database(f"{DATABASE}_{args.pad_to}")
    else:
        create_database()
    setup_django()
    imported = import_corpus(docs)
    listings: dict[int, str] = imported.pop("listings")
    if args.pad_to:
        imported["padding"] = pad_catalogue(args.pad_to, len(listings))
    report: dict[str, Any] = {
        "benchmark": "search_eval_csl",
        "data": str(folder),
        "documents": len(docs),
        "published": len(listings),
        "catalogue": args.pad_to or len(listings),
        "queries": len(queries),
        **imported,
    }
    started = time.perf_counter()
    reference = csl.ReferenceBM25(docs)
    ranks = {
        str(q["query_id"]): csl.rank_of(
            str(q["target_doc_id"]), reference.top(q["query"])
        )
        for q in queries
    }
    report["reference"] = {
        "method": "BM25 k1 1.2 b 0.75 over character bigrams of the abstracts",
        "seconds": round(time.perf_counter() - started, 1),
        "rows": {k: v.as_dict() for k, v in csl.table(queries, ranks).items()},
    }
    for name in args.backend or ["elasticsearch", "embedded"]:
        index_seconds = index(name)
        ranks, seconds = run_queries(name, queries, listings)
        report[name] = {
            "index_seconds": round(index_seconds, 1),
            "query_seconds": round(seconds, 1),
            "ms_per_query": round(1000 * seconds / max(len(queries), 1), 1),
            "rows": {k: v.as_dict() for k, v in csl.table(queries, ranks).items()},
        }
    report["targets"] = targets(report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(json.dumps({k: v for k, v in report.items() if k != "targets"}, indent=2))
    print()
    print(format_table(report))
    print()
    print("\n".join(report["targets"]))


if __name__ == "__main__":
    main()
