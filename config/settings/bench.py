"""Benchmarks: production-shaped (DEBUG off, PostgreSQL, Redis cache, whitenoise) on loopback.

Adds /bench/minimal/, the smallest Django view, as the yardstick the page figures are
compared with. Used only by bench/*.py.
"""

from config.env import database_from_url, env_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", "postgres://techmatch:techmatch@127.0.0.1:5432/techmatch_bench"
    )
}
REDIS_URL = env_url("REDIS_URL", ("redis",), "redis://127.0.0.1:6379/9")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
SEARCH_BACKEND = "embedded"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
