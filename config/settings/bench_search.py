"""Search benchmark: production-shaped settings on Elasticsearch with a real Celery worker.

DEBUG off, PostgreSQL (``techmatch_search_bench``), Redis db 10 as cache and broker,
Elasticsearch under the index prefix ``bench``. Used only by bench/search_*.py; its
own database, Redis db, index prefix and port keep it apart from the catalogue bench.
"""

from config.env import database_from_url, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Fixed addresses, not DATABASE_URL & co.: a variable left over in a shell must not point
# 150,000 generated listings at a real database.
DATABASES = {
    "default": database_from_url(
        "BENCH_SEARCH_DATABASE_URL",
        "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_search_bench",
    )
}
REDIS_URL = "redis://127.0.0.1:6379/10"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
SEARCH_BACKEND = "elasticsearch"
ELASTICSEARCH_URL = "http://127.0.0.1:9200"
# Another prefix (and BENCH_SEARCH_DATABASE_URL) keeps two checkouts benchmarking apart.
SEARCH_INDEX_PREFIX = env_str("BENCH_SEARCH_INDEX_PREFIX", "bench")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
