"""Settings shared by every environment. No secrets and no environment reads here."""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    # Ours, first so their templates override Wagtail's and Django's.
    "accounts",
    "market",
    "cms",
    "search",
    "matching",
    "reports",
    # The public REST API (an edge adapter over the apps above).
    "api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Outermost: cached pages and static files get the header too.
    "config.security.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, auth and CSRF: what these answer costs none of them.
    "cms.middleware.LanguageSwitchMiddleware",
    "cms.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Off unless EMAIL_LINKS_FOLLOW_REQUEST (embedded): links in emails follow the host.
    "accounts.emails.RequestOriginMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content-Security-Policy (config/security.py, docs/security.md). The portal loads
# scripts, styles, images, fonts and API answers from its own origin only, runs no
# inline script or style, and may not be framed. JSON-LD blocks are data, not scripts.
CSP_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Wagtail admin writes inline scripts (date pickers, inline panels) and styles,
# shows its preview in a frame of its own and reads images as blobs.
CSP_ADMIN_PATH_PREFIXES = ("/admin/",)
CSP_ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.unread_notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"
# Staff reset forgotten passwords through the portal's rate-limited form; the admin's
# own log-in form says so when the rate limit refuses an attempt (config/throttle.py).
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"
# Email verification and password reset links stay valid for three days.
ACCOUNT_VERIFICATION_MAX_AGE = 3 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Production without a media server: Django serves /media/images/ (renditions only).
SERVE_IMAGE_RENDITIONS = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = _("TechMatch")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
# Documents are downloads, never shown inline in the site's origin (Wagtail adds
# "X-Content-Type-Options: nosniff" and a "default-src 'none'" CSP to each), and
# every new or replaced file passes market.uploads.check_pdf, in the admin too.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.CheckedDocumentForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name"]
# No Gravatar: it would send a hash of every admin user's email address to a third
# party (unreachable from many networks here anyway) and break the admin's CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Celery: JSON only, bounded run time, acknowledge after the work is done.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
# Nightly upkeep, in CELERY_TIMEZONE (Asia/Shanghai). The tasks are idempotent, so a
# run that waited too long is dropped (expires) and the next night catches up.
_NIGHTLY_EXPIRES = 6 * 3600
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "expire-overdue-demands": {
        "task": "market.tasks.expire_overdue_demands",
        "schedule": crontab(hour=1, minute=0),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # After the demands' expiry, so a demand past its deadline is "expired", not archived.
    "archive-stale-listings": {
        "task": "market.tasks.archive_stale_listings",
        "schedule": crontab(hour=1, minute=15),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # Before the nightly refresh, so that it orders proposals with the new re-ranker
    # (when one beats the hand weights on held-out decisions).
    "train-reranker": {
        "task": "matching.tasks.train_reranker",
        "schedule": crontab(hour=1, minute=45),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # After the night's expiry and archiving: retrain the matcher's embedding on the
    # catalogue as it is, then recompute every proposal in chunks across the workers.
    "refresh-proposals": {
        "task": "matching.tasks.refresh_all_proposals",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # After the nightly refresh: the solver organisations of every open challenge.
    "refresh-challenge-solvers": {
        "task": "matching.tasks.refresh_open_challenge_solvers",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    "release-stale-claims": {
        "task": "matching.tasks.release_stale_claims",
        "schedule": crontab(hour=1, minute=40),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    "send-renewal-reminders": {
        "task": "market.tasks.send_renewal_reminders",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # Views of cached detail pages are counted in Redis and written every 5 minutes;
    # a run that waited longer than that is dropped, the next one writes them all.
    "flush-view-counts": {
        "task": "cms.tasks.flush_view_counts",
        "schedule": 5 * 60,
        "options": {"expires": 5 * 60},
    },
    # Challenges close for applications on the minute their deadline passes.
    "close-due-challenges": {
        "task": "market.tasks.close_due_challenges",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Import jobs whose worker died show as failed even if nobody opens their page.
    "sweep-import-jobs": {
        "task": "market.imports.tasks.sweep_import_jobs",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Notification emails whose task was never queued (broker down) or gave up.
    "send-pending-notification-emails": {
        "task": "accounts.tasks.send_pending_notification_emails",
        "schedule": 10 * 60,
        "options": {"expires": 9 * 60},
    },
    # Challenges: teams of draft applications hear 3 days and 1 day before the
    # deadline (hourly, so the 1-day reminder comes 23-24 hours ahead); experts are
    # reminded of missing scores in the morning, Beijing time.
    "send-application-deadline-reminders": {
        "task": "accounts.tasks.send_application_deadline_reminders",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    "send-scoring-reminders": {
        "task": "accounts.tasks.send_scoring_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # Delivery milestones due within 7 days and within 1 day: the winning team and the
    # issuer, in the morning, Beijing time.
    "send-milestone-reminders": {
        "task": "accounts.tasks.send_milestone_reminders",
        "schedule": crontab(hour=9, minute=5),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # The daily digest: one email per user of the notifications they chose to have
    # collected (accounts.notification_kinds), at NOTIFICATION_DIGEST_HOUR.
    "send-notification-digests": {
        "task": "accounts.tasks.send_notification_digests",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": _NIGHTLY_EXPIRES},
    },
    # Agents' follow-ups on their deals, reminded once within 5 minutes of falling due.
    "send-deal-follow-ups": {
        "task": "accounts.tasks.send_deal_follow_up_reminders",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Index changes that the on-commit task could not send (search engine or broker
    # down) wait in the outbox; this drain sends them once both are back.
    "drain-search-outbox": {
        "task": "search.tasks.drain_search_outbox",
        "schedule": 30,
        "options": {"expires": 25},
    },
}

# The Redis cache (config.cache.DegradingRedisCache) gives up quickly on a server that
# does not answer, and then serves uncached pages instead of waiting on every call.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}

# Import jobs: a running import's worker beats every IMPORT_HEARTBEAT_SECONDS; a job
# silent for IMPORT_STALE_SECONDS lost its worker and is reported as failed.
IMPORT_HEARTBEAT_SECONDS = 10
IMPORT_STALE_SECONDS = 60

# Listings: a publication stays valid this many days; owners are reminded before it lapses.
LISTING_VALIDITY_DAYS = 365
LISTING_RENEWAL_NOTICE_DAYS = 14
# Challenges (揭榜挂帅): how many organisations an application may name besides its lead
# (a challenge's issuer may set its own limit when it drafts the challenge).
CHALLENGE_MAX_CONSORTIUM_MEMBERS = 4
# Deals: comparable past deals (same field and mode) show their median and range only
# from this many deals on (fewer could reveal one party's price to the other).
DEAL_COMPARABLES_MIN = 3
# Statistics: the zone whose technology flows are reported (GB/T 2260 codes; a
# province or city includes what lies under it), and the fewest registered contracts
# a public figure shows amounts for.
TECHMATCH_ZONE_REGION_CODES: list[str] = []
REPORTS_PUBLIC_MIN_DEALS = 3

# Notifications: the hour (CELERY_TIMEZONE, Beijing time) the daily digest goes out.
NOTIFICATION_DIGEST_HOUR = 8
# Saved searches: how many one user may keep (each is checked against every newly
# published listing).
SAVED_SEARCHES_PER_USER = 20

# Search: "embedded" needs no server; "elasticsearch" talks to ELASTICSEARCH_URL.
SEARCH_BACKEND = "embedded"
ELASTICSEARCH_URL = ""
SEARCH_INDEX_PREFIX = "techmatch"
# Copies of each shard on other nodes: 0 for one node, 1 or more for a cluster (new
# indices only: run search_reindex after changing it).
SEARCH_INDEX_REPLICAS = 0

# Matching (docs/matching.md): size of the catalogue's LSA vectors; the combiner's
# weights (reciprocal-rank fusion of lexical + semantic vs structured compatibility);
# each compatibility component's weight. The combiner's values are those the labelled
# evaluation set favours (bench/match_eval.py; docs/matching.md "Evaluation"): since
# issue 13's search ranking the lexical and semantic rankings weigh the same inside
# the fusion, and compatibility weighs three quarters of the fusion.
MATCHING_DIMENSIONS = 128
# An operator's extra corpus for LSA's training (docs/matching.md): a UTF-8 file, one
# document a line; "" for none.
MATCHING_EXTRA_CORPUS = ""
MATCHING_WEIGHTS: dict[str, float] = {
    "retrieval": 0.6,
    "compatibility": 0.45,
    "rrf_k": 10,
    "lexical": 1.0,
    "semantic": 1.0,
}
# A demand whose best candidate is less similar than this (cosine of the embedding)
# and shares fewer key terms than MATCHING_MIN_TERMS goes to the agents' "needs an
# agent" list; so does one with fewer key terms than that in its whole text.
MATCHING_MIN_SIMILARITY = 0.25
MATCHING_MIN_TERMS = 3
# The learned re-ranker (docs/matching.md, "Learned re-ranker") is trained once agents
# have accepted or rejected this many proposals, and used only if it beats the hand
# weights on the held-out decisions.
MATCHING_RERANKER_MIN_DECISIONS = 200
# A proposal or a needs-an-agent demand an agent has claimed and not acted on goes back
# to every agent after this many days (the claim is recorded as expired).
MATCHING_CLAIM_DAYS = 14
# The text embedder: "lsa" (trained on the catalogue) or "onnx:<directory>" (a local
# ONNX sentence-embedding model: model.onnx + tokenizer.json; requirements-onnx.txt).
MATCHING_EMBEDDER = "lsa"
MATCHING_COMPATIBILITY_WEIGHTS: dict[str, float] = {
    "field": 3.0,
    "maturity": 2.0,
    "price": 1.5,
    "modes": 1.0,
    "region": 0.5,
    "deadline": 1.0,
}

# Rate limits (config/throttle.py): (events, seconds) per key, counted in the cache
# named THROTTLE_CACHE (Redis in production and tests: shared by all processes).
THROTTLE_CACHE = "default"
# Failed log-ins per account and per client address.
THROTTLE_LOGIN_ACCOUNT = (10, 15 * 60)
THROTTLE_LOGIN_IP = (50, 15 * 60)
# Sign-up, password reset, "send the link again": per email address, per client address.
THROTTLE_ACCOUNT_MAIL_ADDRESS = (5, 3600)
THROTTLE_ACCOUNT_MAIL_IP = (20, 3600)
# Requests, answers and submissions that notify other people: per account, per address.
THROTTLE_MESSAGES_ACCOUNT = (20, 3600)
THROTTLE_MESSAGES_IP = (60, 3600)
# The same kind of request about the same listing again within this many seconds is
# refused (market.services.engagement).
THROTTLE_DUPLICATE_WINDOW = 24 * 3600
# The REST API (api/, docs/api.md): requests per client address without a token,
# per token (or signed-in user) with one; over the limit the API answers 429 with
# Retry-After.
THROTTLE_API_ANON = (60, 60)
THROTTLE_API_USER = (600, 60)
# Reverse proxies in front of the site that append to X-Forwarded-For; 0 = use the
# connection's address (REMOTE_ADDR) and ignore the header, which clients can forge.
TRUSTED_PROXY_COUNT = 0

SITE_ID = 1
BASE_URL = "http://127.0.0.1:8000"
WAGTAILADMIN_BASE_URL = BASE_URL
# Links in emails use BASE_URL; when this is on (embedded default only), an email
# caused by a request links to the host and port that request came to instead.
EMAIL_LINKS_FOLLOW_REQUEST = False
DEFAULT_FROM_EMAIL = "TechMatch <noreply@techmatch.local>"
# Shown on /contact/ ("contact a transfer agent"); empty shows no address.
SERVICE_DESK_EMAIL = "service@techmatch.local"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # One line per successful task drowns the log (eager mode runs them inline).
        "celery.app.trace": {"level": "WARNING"},
    },
}

# `load_demo` creates accounts with a published password; production turns this off.
DEMO_DATA_ALLOWED = True

# The REST API (api/): token or session authentication, one JSON error format,
# page/size pagination, the rate limits of config/throttle.py (docs/api.md).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageSizePagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TechMatch API",
    "DESCRIPTION": "Outcomes, demands, challenges, search and one's own items "
    "(docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"MaturityEnum": "market.models.listing.Maturity"},
    "PREPROCESSING_HOOKS": ["api.schema.only_api"],
}
