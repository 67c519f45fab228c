"""config.throttle: counters in the real Redis of the test settings, shared by processes."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from config import throttle

ROOT = Path(__file__).resolve().parents[2]

# Another Python process: the same settings and cache, its own Redis connection.
CHILD = """
import json, sys
import django
django.setup()
from django.conf import settings
settings.CACHES = json.loads(sys.argv[1])
settings.THROTTLE_LOGIN_ACCOUNT = (3, 3600)
from config import throttle
taken = [throttle.take([(throttle.LOGIN_ACCOUNT, sys.argv[2])]) is not None for _ in range(4)]
print(json.dumps(taken))
"""


def test_take_counts_up_to_the_limit_then_refuses(settings):
    settings.THROTTLE_LOGIN_ACCOUNT = (3, 3600)
    answers = [
        throttle.take([(throttle.LOGIN_ACCOUNT, "user:1")]) is not None
        for _ in range(5)
    ]
    assert answers == [True, True, True, False, False]
    # Another key has its own counter.
    assert throttle.take([(throttle.LOGIN_ACCOUNT, "user:2")]) is not None


def test_take_refused_by_one_limit_counts_against_none(settings):
    settings.THROTTLE_MESSAGES_ACCOUNT = (1, 3600)
    settings.THROTTLE_MESSAGES_IP = (2, 3600)
    assert throttle.take(
        [(throttle.MESSAGES_ACCOUNT, "user:1"), (throttle.MESSAGES_IP, "192.0.2.1")]
    )
    assert (
        throttle.take(
            [(throttle.MESSAGES_ACCOUNT, "user:1"), (throttle.MESSAGES_IP, "192.0.2.1")]
        )
        is None
    )
    # The refused attempt did not use up the address's second event.
    assert throttle.take(
        [(throttle.MESSAGES_ACCOUNT, "user:2"), (throttle.MESSAGES_IP, "192.0.2.1")]
    )


def test_given_back_events_do_not_count(settings):
    settings.THROTTLE_LOGIN_ACCOUNT = (2, 3600)
    for _ in range(5):
        throttle.take([(throttle.LOGIN_ACCOUNT, "user:1")]).give_back()
    assert throttle.take([(throttle.LOGIN_ACCOUNT, "user:1")]) is not None
    assert not throttle.is_spent(throttle.LOGIN_ACCOUNT, "user:1")
    throttle.take([(throttle.LOGIN_ACCOUNT, "user:1")])
    assert throttle.is_spent(throttle.LOGIN_ACCOUNT, "user:1")


def test_counter_is_shared_with_another_process(settings):
    """Events counted by a second process (another web worker) count here too."""
    settings.THROTTLE_LOGIN_ACCOUNT = (3, 3600)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(settings.CACHES), "user:42"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        True,
        True,
        True,
        False,
    ]

    assert throttle.is_spent(throttle.LOGIN_ACCOUNT, "user:42")
    assert throttle.take([(throttle.LOGIN_ACCOUNT, "user:42")]) is None
    assert throttle.take([(throttle.LOGIN_ACCOUNT, "user:43")]) is not None


def test_keys_hold_no_address_in_clear(settings):
    from django.core.cache import cache

    throttle.take([(throttle.ACCOUNT_MAIL_ADDRESS, "li.na@example.cn")])
    keys = cache._cache.get_client().keys("*throttle*")  # the real Redis keys
    assert keys
    assert not any(b"example.cn" in key for key in keys)


def test_unreachable_cache_lets_requests_through_and_logs(settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "throttle-down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    settings.THROTTLE_CACHE = "throttle-down"
    settings.THROTTLE_LOGIN_ACCOUNT = (1, 60)
    with caplog.at_level(logging.WARNING, logger="config.throttle"):
        answers = [
            throttle.take([(throttle.LOGIN_ACCOUNT, "user:1")]) for _ in range(3)
        ]
    assert all(answer is not None for answer in answers)
    assert "cache unavailable" in caplog.text


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),  # header ignored
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged entry left
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # no header: the connection
        (1, "10.0.0.2", "not-an-ip", "unknown"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),
        (0, "::ffff:192.0.2.5", "", "192.0.2.5"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert throttle.client_ip(request) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(900, "15 minutes"), (3600, "1 hour"), (7200, "2 hours"), (30, "1 minute")],
)
def test_wait_text(settings, seconds, expected):
    settings.LANGUAGE_CODE = "en"
    settings.THROTTLE_LOGIN_ACCOUNT = (1, seconds)
    from django.utils import translation

    with translation.override("en"):
        assert throttle.wait_text(throttle.LOGIN_ACCOUNT) == expected
