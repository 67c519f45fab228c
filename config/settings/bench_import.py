"""Import benchmark: production-shaped settings on PostgreSQL, Redis and Elasticsearch.

DEBUG off, its own database (``techmatch_import_bench``), Redis db 11 as cache and broker
(no worker consumes it: the benchmark drains the search outbox itself and purges the
queue), Elasticsearch under the index prefix ``bench-import``. Used only by
bench/import_bench.py.
"""

from config.env import database_from_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Fixed addresses, not DATABASE_URL & co.: a variable left over in a shell must not point
# generated listings at a real database.
DATABASES = {
    "default": database_from_url(
        "BENCH_IMPORT_DATABASE_URL",
        "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_import_bench",
    )
}
REDIS_URL = "redis://127.0.0.1:6379/11"
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
SEARCH_INDEX_PREFIX = "bench-import"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
