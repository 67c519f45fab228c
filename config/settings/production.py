"""Production: everything from environment variables, validated at start.

A missing or malformed variable stops the process with ImproperlyConfigured naming it.
The variables are listed, with their defaults, in the README's configuration table.
"""

from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_duration,
    env_int,
    env_list,
    env_rate,
    env_region_codes,
    env_str,
    env_url,
    env_urls,
)

from .base import *  # noqa: F403
from .base import (
    CELERY_BEAT_SCHEDULE,
    LOGGING,
    REDIS_CACHE_OPTIONS,
    THROTTLE_ACCOUNT_MAIL_ADDRESS,
    THROTTLE_ACCOUNT_MAIL_IP,
    THROTTLE_API_ANON,
    THROTTLE_API_USER,
    THROTTLE_DUPLICATE_WINDOW,
    THROTTLE_LOGIN_ACCOUNT,
    THROTTLE_LOGIN_IP,
    THROTTLE_MESSAGES_ACCOUNT,
    THROTTLE_MESSAGES_IP,
)

DEBUG = False
DEMO_DATA_ALLOWED = False

SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY must be at least 50 characters."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
BASE_URL = env_url("BASE_URL", ("http", "https")).rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
_base = urlsplit(BASE_URL)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [f"{_base.scheme}://{_base.netloc}"]
)

DATABASES = {"default": database_from_url("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL must be a postgres:// URL."
    )

REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
CACHES = {
    "default": {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", ("redis", "rediss", "amqp", "amqps"), REDIS_URL
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False

SEARCH_BACKEND = env_choice(
    "SEARCH_BACKEND", ("elasticsearch", "embedded"), "elasticsearch"
)
# One node's URL, or several comma-separated: the client spreads requests over them
# and retries another one when a node cannot be reached.
ELASTICSEARCH_URL = ",".join(
    env_urls("ELASTICSEARCH_URL", ("http", "https"))
    if SEARCH_BACKEND == "elasticsearch"
    else env_urls("ELASTICSEARCH_URL", ("http", "https"), "http://unused.invalid")
)
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "techmatch")
SEARCH_INDEX_REPLICAS = env_int("SEARCH_INDEX_REPLICAS", 0)

MATCHING_RERANKER_MIN_DECISIONS = env_int(
    "MATCHING_RERANKER_MIN_DECISIONS", 200, minimum=1
)
MATCHING_EXTRA_CORPUS = env_str("MATCHING_EXTRA_CORPUS", "")
MATCHING_CLAIM_DAYS = env_int("MATCHING_CLAIM_DAYS", 14, minimum=1)
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 8)
if NOTIFICATION_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(
        "Environment variable NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23."
    )
CELERY_BEAT_SCHEDULE["send-notification-digests"]["schedule"] = crontab(
    hour=NOTIFICATION_DIGEST_HOUR, minute=0
)
SAVED_SEARCHES_PER_USER = env_int("SAVED_SEARCHES_PER_USER", 20, minimum=1)
MATCHING_EMBEDDER = env_str("MATCHING_EMBEDDER", "lsa")
TECHMATCH_ZONE_REGION_CODES = env_region_codes("TECHMATCH_ZONE_REGION_CODES", [])
if MATCHING_EMBEDDER != "lsa" and not (
    MATCHING_EMBEDDER.startswith("onnx:") and len(MATCHING_EMBEDDER) > len("onnx:")
):
    raise ImproperlyConfigured(
        "Environment variable MATCHING_EMBEDDER must be lsa or onnx:<directory>."
    )

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SERVICE_DESK_EMAIL = env_str("SERVICE_DESK_EMAIL", "")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Once every request is redirected to HTTPS, browsers are told to use nothing else for
# a year (HSTS); without the redirect there is no HTTPS to insist on.
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SECURE_SSL_REDIRECT else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_REFERRER_POLICY = "same-origin"
# The load balancer's health probe comes over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

THROTTLE_LOGIN_ACCOUNT = env_rate("THROTTLE_LOGIN_ACCOUNT", THROTTLE_LOGIN_ACCOUNT)
THROTTLE_LOGIN_IP = env_rate("THROTTLE_LOGIN_IP", THROTTLE_LOGIN_IP)
THROTTLE_ACCOUNT_MAIL_ADDRESS = env_rate(
    "THROTTLE_ACCOUNT_MAIL_ADDRESS", THROTTLE_ACCOUNT_MAIL_ADDRESS
)
THROTTLE_ACCOUNT_MAIL_IP = env_rate(
    "THROTTLE_ACCOUNT_MAIL_IP", THROTTLE_ACCOUNT_MAIL_IP
)
THROTTLE_MESSAGES_ACCOUNT = env_rate(
    "THROTTLE_MESSAGES_ACCOUNT", THROTTLE_MESSAGES_ACCOUNT
)
THROTTLE_MESSAGES_IP = env_rate("THROTTLE_MESSAGES_IP", THROTTLE_MESSAGES_IP)
THROTTLE_API_ANON = env_rate("THROTTLE_API_ANON", THROTTLE_API_ANON)
THROTTLE_API_USER = env_rate("THROTTLE_API_USER", THROTTLE_API_USER)
THROTTLE_DUPLICATE_WINDOW = env_duration(
    "THROTTLE_DUPLICATE_WINDOW", THROTTLE_DUPLICATE_WINDOW
)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", "/app/media"))
SERVE_IMAGE_RENDITIONS = env_bool("SERVE_IMAGE_RENDITIONS", True)
STATIC_ROOT = Path(env_str("STATIC_ROOT", "/app/staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGGING["root"]["level"] = env_choice(  # type: ignore[index]
    "LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"
)
