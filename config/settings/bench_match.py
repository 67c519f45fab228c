"""Matching benchmark: production-shaped settings with real Celery workers.

DEBUG off, PostgreSQL (``techmatch_benchmatch``), Redis as cache, broker and result
backend (db 14; the bench's tasks go to their own queue ``match-bench``), either search
backend (``BENCH_MATCH_BACKEND``: ``elasticsearch`` or ``embedded``) under the index
prefix ``benchmatch``. Used only by bench/match_bench.py and bench/match_worker.py;
the smoke test points the ``BENCH_MATCH_*`` variables at its own database and prefix.
"""

from config.env import database_from_url, env_choice, env_str, env_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Fixed defaults, not DATABASE_URL & co.: a variable left over in a shell must not point
# generated listings at a real database.
DATABASES = {
    "default": database_from_url(
        "BENCH_MATCH_DATABASE_URL",
        "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_benchmatch",
    )
}
REDIS_URL = env_url("BENCH_MATCH_REDIS_URL", ("redis",), "redis://127.0.0.1:6379/14")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "match-bench"
SEARCH_BACKEND = env_choice(
    "BENCH_MATCH_BACKEND", ("elasticsearch", "embedded"), "elasticsearch"
)
ELASTICSEARCH_URL = "http://127.0.0.1:9200"
SEARCH_INDEX_PREFIX = env_str("BENCH_MATCH_INDEX_PREFIX", "benchmatch")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
