"""One Celery worker process of the matching benchmark (``config.settings.bench_match``).

    .venv/bin/python bench/match_worker.py NAME

A solo pool: the process that takes the tasks is this one, so its peak resident set
(``VmHWM``) is the worker's peak memory. Consumes only the queue ``match-bench``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "match-bench"


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench_match"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from config.celery import app

    name = sys.argv[1] if len(sys.argv) > 1 else "match"
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            f"--queues={QUEUE}",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ]
    )


if __name__ == "__main__":
    main()
