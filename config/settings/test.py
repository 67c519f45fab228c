"""Settings for the test suite: real PostgreSQL, Redis and Elasticsearch on 127.0.0.1.

The URLs default to what `scripts/services.sh up` starts; each pytest-xdist worker gets
its own search index prefix and Redis database so parallel runs do not collide.
"""

import os

from config.env import (
    database_from_url,
    env_int,
    env_str,
    env_url,
    env_urls,
    redis_url_with_db,
)

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_WORKER_NUMBER = int(_WORKER.removeprefix("gw") or 0)

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch"
    )
}
REDIS_URL = env_url("REDIS_URL", ("redis",), "redis://127.0.0.1:6379")
# Database 0 is left to developers; each worker takes TEST_REDIS_DB_BASE (1) + its
# number, so two checkouts testing at once on one Redis can keep apart.
_REDIS_DB = int(os.environ.get("TEST_REDIS_DB_BASE", "1")) + _WORKER_NUMBER
CACHES = {
    "default": {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": redis_url_with_db(REDIS_URL, _REDIS_DB),
        # A worker started by a test shares the test's own namespace.
        "KEY_PREFIX": os.environ.get("TEST_CACHE_PREFIX", f"test-{_WORKER}"),
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}
CELERY_BROKER_URL = CACHES["default"]["LOCATION"]
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = False

SEARCH_BACKEND = "elasticsearch"
ELASTICSEARCH_URL = ",".join(
    env_urls("ELASTICSEARCH_URL", ("http", "https"), "http://127.0.0.1:9200")
)
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "test") + f"-{_WORKER}"
SEARCH_INDEX_REPLICAS = env_int("SEARCH_INDEX_REPLICAS", 0)

# The fault tests kill a worker mid-import and want its heartbeat to stop being fresh
# within seconds, not a minute.
IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("TEST_IMPORT_HEARTBEAT_SECONDS", "10"))

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Celery worker started by a test is another process: it writes mail to files instead.
if os.environ.get("TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_DIR"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come from the app folders (no collectstatic outside production).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
