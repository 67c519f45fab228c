"""Production settings start only with a complete, well-formed environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

VALID_ENV = {
    "SECRET_KEY": "p" * 60,
    "ALLOWED_HOSTS": "market.example.cn,www.market.example.cn",
    "BASE_URL": "https://market.example.cn",
    "DATABASE_URL": "postgres://techmatch:secret@db.internal:5432/techmatch",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ELASTICSEARCH_URL": "http://search.internal:9200",
    "EMAIL_HOST": "smtp.example.cn",
    "DEFAULT_FROM_EMAIL": "科技大市场 <noreply@market.example.cn>",
}

PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL, "
    "settings.SEARCH_BACKEND, settings.CSRF_TRUSTED_ORIGINS[0], settings.TIME_ZONE, "
    "settings.LANGUAGE_CODE, settings.DEBUG)"
)


def start(
    env_overrides: dict[str, str | None], probe: str = PROBE
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in VALID_ENV}
    env.update(VALID_ENV)
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_start_with_a_complete_environment():
    result = start({})
    assert result.returncode == 0, result.stderr
    host, broker, backend, origin, tz, language, debug = result.stdout.split()
    assert host == "db.internal"
    assert broker == "redis://redis.internal:6379/0"  # defaults to REDIS_URL
    assert backend == "elasticsearch"
    assert origin == "https://market.example.cn"
    assert (tz, language, debug) == ("Asia/Shanghai", "zh-hans", "False")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", None, "SECRET_KEY is required"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 50"),
        ("DATABASE_URL", None, "DATABASE_URL is required"),
        ("DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL has scheme 'mysql'"),
        ("DATABASE_URL", "sqlite:////tmp/x.db", "DATABASE_URL must be a postgres://"),
        ("REDIS_URL", "http://redis:6379", "REDIS_URL has scheme 'http'"),
        ("EMAIL_USE_TLS", "maybe", "EMAIL_USE_TLS='maybe' is not a boolean"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' is not a whole number"),
        ("SEARCH_BACKEND", "solr", "SEARCH_BACKEND='solr' is not one of"),
        ("ELASTICSEARCH_URL", None, "ELASTICSEARCH_URL is required"),
        (
            "ELASTICSEARCH_URL",
            "http://es1:9200,ftp://es2:9200",
            "ELASTICSEARCH_URL ('ftp://es2:9200') has scheme 'ftp'",
        ),
        ("ELASTICSEARCH_URL", "http://es1:9200,,", "ELASTICSEARCH_URL has an empty"),
        ("SEARCH_INDEX_REPLICAS", "one", "SEARCH_INDEX_REPLICAS='one' is not a whole"),
        ("BASE_URL", "market.example.cn", "BASE_URL has scheme ''"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not one of"),
        ("DEFAULT_FROM_EMAIL", None, "DEFAULT_FROM_EMAIL is required"),
        ("THROTTLE_LOGIN_IP", "0/15m", "THROTTLE_LOGIN_IP='0/15m' is not a rate"),
        (
            "MATCHING_RERANKER_MIN_DECISIONS",
            "many",
            "MATCHING_RERANKER_MIN_DECISIONS='many' is not a whole number",
        ),
        ("MATCHING_RERANKER_MIN_DECISIONS", "0", "must be at least 1"),
        ("MATCHING_EMBEDDER", "bert", "MATCHING_EMBEDDER must be lsa or onnx:"),
        ("MATCHING_EMBEDDER", "onnx:", "MATCHING_EMBEDDER must be lsa or onnx:"),
        (
            "TECHMATCH_ZONE_REGION_CODES",
            "320500,苏州",
            "TECHMATCH_ZONE_REGION_CODES: '苏州' is not a six-digit region code",
        ),
        ("NOTIFICATION_DIGEST_HOUR", "24", "NOTIFICATION_DIGEST_HOUR must be an hour"),
        ("NOTIFICATION_DIGEST_HOUR", "8am", "NOTIFICATION_DIGEST_HOUR='8am' is not a"),
        ("SAVED_SEARCHES_PER_USER", "0", "must be at least 1"),
    ],
)
def test_production_settings_refuse_a_bad_variable_naming_it(name, value, message):
    result = start({name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_allow_embedded_search_without_elasticsearch_url():
    result = start({"SEARCH_BACKEND": "embedded", "ELASTICSEARCH_URL": None})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "embedded"


HSTS_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.http import HttpResponse; from django.test import RequestFactory; "
    "from django.middleware.security import SecurityMiddleware; "
    "request = RequestFactory().get('/', secure=True, HTTP_HOST='market.example.cn'); "
    "response = SecurityMiddleware(lambda r: HttpResponse())(request); "
    "print(repr(response.headers.get('Strict-Transport-Security')), "
    "settings.THROTTLE_LOGIN_ACCOUNT, settings.THROTTLE_DUPLICATE_WINDOW)"
)


def probe_hsts(overrides: dict[str, str | None]) -> str:
    result = start(overrides, probe=HSTS_PROBE)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_sends_hsts_for_a_year_once_https_is_enforced():
    assert probe_hsts({}).startswith("'max-age=31536000'")


def test_production_sends_no_hsts_without_the_https_redirect():
    assert probe_hsts({"SECURE_SSL_REDIRECT": "false"}).startswith("None")


def test_production_hsts_and_rate_limits_are_configurable():
    output = probe_hsts(
        {
            "SECURE_HSTS_SECONDS": "600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "true",
            "THROTTLE_LOGIN_ACCOUNT": "5/1h",
            "THROTTLE_DUPLICATE_WINDOW": "30m",
        }
    )
    assert output == "'max-age=600; includeSubDomains; preload' (5, 3600) 1800"


def test_production_settings_take_several_elasticsearch_nodes_and_replicas():
    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_REPLICAS)"
    )
    env = {k: v for k, v in os.environ.items() if k not in VALID_ENV}
    env.update(
        VALID_ENV,
        ELASTICSEARCH_URL=" http://es1:9200, http://es2:9200 ",
        SEARCH_INDEX_REPLICAS="1",
        DJANGO_SETTINGS_MODULE="config.settings.production",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://es1:9200,http://es2:9200", "1"]


def test_production_digest_hour_and_saved_search_limit_are_configurable():
    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "entry = settings.CELERY_BEAT_SCHEDULE['send-notification-digests']; "
        "print(sorted(entry['schedule'].hour), settings.SAVED_SEARCHES_PER_USER)"
    )
    result = start(
        {"NOTIFICATION_DIGEST_HOUR": "19", "SAVED_SEARCHES_PER_USER": "5"}, probe
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[19]", "5"]
    result = start({}, probe)
    assert result.stdout.split() == ["[8]", "20"]
