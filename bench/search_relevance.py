"""Relevance of the search over the demo catalogue: MRR and top-3 hits of the labelled set.

Runs the 71 queries of tests/search/relevance_set.json through the full search (the
selector the page and the API use) on each backend, and on Elasticsearch also with
parts of the query switched off, to show what each analysis part contributes. Prints
one JSON object. Needs Elasticsearch on 127.0.0.1:9200 (scripts/services.sh up).

    .venv/bin/python bench/search_relevance.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.embedded"
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-relevance.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

from market.models import Listing  # noqa: E402
from search.backends import elasticsearch as es  # noqa: E402
from search.backends import get_backend  # noqa: E402
from search.query import SearchRequest  # noqa: E402
from search.reindex import reindex  # noqa: E402
from search.selectors import search_listings  # noqa: E402

CASES = json.loads(
    (ROOT / "tests" / "search" / "relevance_set.json").read_text(encoding="utf-8")
)
# Every configuration finds with the bigram recall clause; they differ in what ranks.
CONFIGURATIONS = {
    "bigrams + unigrams + words + precision + synonyms + phrase (shipped)": {
        "synonyms",
        "unigrams",
        "words",
        "precision",
        "phrase",
    },
    "without phrase": {"synonyms", "unigrams", "words", "precision"},
    "without precision (title, keywords)": {"synonyms", "unigrams", "words", "phrase"},
    "without words": {"synonyms", "unigrams", "precision", "phrase"},
    "without unigrams": {"synonyms", "words", "precision", "phrase"},
    "without synonyms": {"unigrams", "words", "precision", "phrase"},
    "bigrams only": set(),
}


def prepare() -> dict[str, int]:
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not Listing.objects.filter(external_id__startswith="demo-").exists():
        call_command("load_demo", verbosity=0)
    return dict(
        Listing.objects.filter(external_id__startswith="demo-").values_list(
            "external_id", "pk"
        )
    )


def evaluate(ids: dict[str, int]) -> dict[str, object]:
    reciprocal: list[float] = []
    by_category: dict[str, list[float]] = defaultdict(list)
    missed: list[str] = []
    for case in CASES:
        params = {"q": case["query"], **case.get("filters", {})}
        if case.get("kind"):
            params["kind"] = case["kind"]
        results = search_listings(SearchRequest.from_params(params))
        found = [hit.listing_id for hit in results.hits]
        expected = ids[case["expected"]]
        rank = found.index(expected) + 1 if expected in found else None
        value = 1 / rank if rank else 0.0
        reciprocal.append(value)
        by_category[case["category"]].append(value)
        if not rank or rank > 3:
            missed.append(f"{case['id']} {case['query']} → rank {rank}")
    return {
        "mrr": round(sum(reciprocal) / len(reciprocal), 3),
        "top3": sum(1 for v in reciprocal if v >= 1 / 3),
        "top1": sum(1 for v in reciprocal if v == 1),
        "cases": len(reciprocal),
        "mrr_by_category": {
            k: round(sum(v) / len(v), 3) for k, v in sorted(by_category.items())
        },
        "missed_top3": missed,
    }


def main() -> None:
    ids = prepare()
    report: dict[str, object] = {"queries": len(CASES)}
    with override_settings(SEARCH_BACKEND="embedded"):
        backend = get_backend()
        for kind in ("outcome", "demand"):
            reindex(kind, backend=backend)
        report["embedded"] = evaluate(ids)
    with override_settings(
        SEARCH_BACKEND="elasticsearch",
        ELASTICSEARCH_URL=os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200"),
        SEARCH_INDEX_PREFIX="bench-relevance",
    ):
        backend = get_backend()
        backend.drop_all()
        for kind in ("outcome", "demand"):
            reindex(kind, backend=backend)
        backend.refresh()
        shipped = es.QUERY_PARTS
        configurations: dict[str, object] = {}
        try:
            for name, parts in CONFIGURATIONS.items():
                es.QUERY_PARTS = frozenset(parts)
                configurations[name] = evaluate(ids)
        finally:
            es.QUERY_PARTS = shipped
            backend.drop_all()
        report["elasticsearch"] = configurations
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
