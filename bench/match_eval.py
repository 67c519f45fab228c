"""The matcher's evaluation: recall@20, MRR and nDCG@10 per component and combined.

Runs the labelled set (tests/matching/match_eval_set.json, documented in
docs/matching.md "The evaluation set") over the demo catalogue on both backends:
the embedded one and Elasticsearch at 127.0.0.1:9200 (index prefix
``bench-match-eval``). A scratch SQLite database under var/ holds the demo and the
set's written demands (created once, kept for the next run). Prints one JSON object.

    .venv/bin/python bench/match_eval.py            # both backends
    .venv/bin/python bench/match_eval.py embedded   # one
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.embedded"
# A fixed scratch database, not DATABASE_URL: a variable left over in a shell must not
# point the set's demands at a real catalogue.
os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-match-eval.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

from bench import match_evaluation as me  # noqa: E402
from market.models import Listing  # noqa: E402

BACKENDS = {
    "embedded": {"SEARCH_BACKEND": "embedded"},
    "elasticsearch": {
        "SEARCH_BACKEND": "elasticsearch",
        "ELASTICSEARCH_URL": os.environ.get(
            "ELASTICSEARCH_URL", "http://127.0.0.1:9200"
        ),
        "SEARCH_INDEX_PREFIX": "bench-match-eval",
    },
}


def prepare(cases: list[dict[str, object]]) -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    if not Listing.objects.filter(external_id__startswith="demo-").exists():
        # The matcher's own runs are not wanted while loading (eager Celery).
        with override_settings(
            CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="memory://"
        ):
            call_command("load_demo", verbosity=0)
    me.create_demands(cases)


def main(names: list[str]) -> None:
    cases = me.load_cases()
    prepare(cases)
    report: dict[str, object] = {
        "set": str(me.SET_PATH.relative_to(ROOT)),
        "weights": settings.MATCHING_WEIGHTS,
    }
    for name in names or list(BACKENDS):
        with override_settings(**BACKENDS[name]):
            started = time.monotonic()
            model = me.prepare_backend()
            try:
                result = me.evaluate(cases)
            finally:
                me.drop_backend()
            result["model"] = {
                "dimensions": model.dimensions,
                "documents": model.documents,
            }
            result["seconds"] = round(time.monotonic() - started, 1)
            metrics = result["metrics"]
            assert isinstance(metrics, dict)
            lexical = metrics["lexical"]["ndcg@10"]
            best_single = max(
                metrics[c]["ndcg@10"] for c in ("lexical", "semantic", "compatibility")
            )
            combined = metrics["combination"]["ndcg@10"]
            result["targets"] = {
                "combination_over_lexical_ndcg@10": round(combined / lexical, 2)
                if lexical
                else None,
                "at_least_1.3x_lexical": combined >= 1.3 * lexical,
                "at_least_best_single": combined >= best_single,
            }
            report[name] = result
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
