"""The embedded default for `make run`: SQLite, Celery eager, embedded search backend.

Nothing but Python is needed. Environment variables are honoured so that a developer
can point the embedded server at real services, but none is required.
"""

from config.env import (
    database_from_url,
    env_bool,
    env_region_codes,
    env_str,
    env_url,
)

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "embedded-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The demo's zone: 苏州市 (the demo firm's city), for the statistics' technology flows.
TECHMATCH_ZONE_REGION_CODES = env_region_codes(
    "TECHMATCH_ZONE_REGION_CODES", ["320500"]
)

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'techmatch.sqlite3'}"
    )
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None

SEARCH_BACKEND = "embedded"

# Mail is printed on the console of `make run` (verification links are visible there).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# `make run HOST=… PORT=…` passes its address; links in emails (and Wagtail's) use it,
# and an email caused by a request follows the host and port that request came to.
BASE_URL = env_url("BASE_URL", ("http", "https"), "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
EMAIL_LINKS_FOLLOW_REQUEST = True

# Static files come from the app folders (no collectstatic outside production).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
