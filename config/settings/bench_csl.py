"""CSL evaluation: the search benchmark's settings on a scratch database and index prefix.

bench/search_eval_csl.py imports the CSL abstracts into ``techmatch_search_csl`` and
indexes them under ``bench-csl``; ``bench/search_bench.py --corpus csl`` serves them.
Celery runs eagerly: an import indexes its listings at once and nothing waits in a
broker queue that no worker reads.
"""

from config.env import database_from_url, env_str

from .bench_search import *  # noqa: F403

DATABASES = {
    "default": database_from_url(
        "BENCH_CSL_DATABASE_URL",
        "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_search_csl",
    )
}
# ``search_eval_csl.py --pad-to N`` sets both to a catalogue of its own.
SEARCH_INDEX_PREFIX = env_str("BENCH_CSL_INDEX_PREFIX", "bench-csl")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
