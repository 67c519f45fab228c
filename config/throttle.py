"""Rate limits shared by every process: sliding-window counters in Django's cache.

A limit is ``(count, seconds)`` read from a setting (README, "Configuration"). Each
key (an account, a client address, an email address — hashed, never stored in clear)
has one counter per fixed window of ``seconds``; the estimate of the last ``seconds``
adds the current window's events and the previous window's, weighted by how much of
it still overlaps. Counting is atomic (``cache.add`` then ``cache.incr``): an event
is counted first and given back when it went over the limit, so parallel requests
cannot slip past it together. The cache is Redis in production and tests (one
counter for all web processes) and local memory under ``make run`` (one process).

When the cache is down the limits are not enforced (and that is logged): log-in and
the forms keep working without Redis, which `/healthz` reports anyway.

Any app may import this module (it imports none of ours); ``market`` keeps its
domain rules (one request per kind and listing) in its services.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """A named limit whose ``(count, seconds)`` comes from the setting ``setting``."""

    name: str
    setting: str

    @property
    def rate(self) -> tuple[int, int]:
        count, seconds = getattr(settings, self.setting)
        return int(count), max(1, int(seconds))


# Failed log-ins (a success gives its attempt back).
LOGIN_ACCOUNT = Limit("login-account", "THROTTLE_LOGIN_ACCOUNT")
LOGIN_IP = Limit("login-ip", "THROTTLE_LOGIN_IP")
# Sign-up, password reset and "send the verification link again": emails to one
# address, and these forms from one client address.
ACCOUNT_MAIL_ADDRESS = Limit("account-mail-address", "THROTTLE_ACCOUNT_MAIL_ADDRESS")
ACCOUNT_MAIL_IP = Limit("account-mail-ip", "THROTTLE_ACCOUNT_MAIL_IP")
# Forms that send messages or notifications to other people.
MESSAGES_ACCOUNT = Limit("messages-account", "THROTTLE_MESSAGES_ACCOUNT")
MESSAGES_IP = Limit("messages-ip", "THROTTLE_MESSAGES_IP")


@dataclass
class Ticket:
    """The events one call to ``take`` counted, so that they can be given back."""

    keys: list[str] = field(default_factory=list)

    def give_back(self) -> None:
        """Uncount the events (the attempt turned out not to count, e.g. a good log-in)."""
        for key in self.keys:
            try:
                _cache().decr(key)
            except ValueError:  # the window expired meanwhile: nothing to give back
                pass
            except Exception:  # the cache is down: nothing to undo
                logger.warning("rate limit: cache unavailable", exc_info=True)
        self.keys = []


def _cache():  # type: ignore[no-untyped-def]
    return caches[getattr(settings, "THROTTLE_CACHE", "default")]


def _digest(value: str) -> str:
    # Cache keys carry no email address or IP in clear, and stay short and safe.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def _windows(limit: Limit, key: str, now: float) -> tuple[str, str, float]:
    """(current window's key, previous window's key, share of the previous one)."""
    _count, seconds = limit.rate
    window = int(now // seconds)
    base = f"throttle:{limit.name}:{seconds}:{_digest(key)}"
    overlap = 1.0 - (now - window * seconds) / seconds
    return f"{base}:{window}", f"{base}:{window - 1}", overlap


def _estimate(current: int, previous: int, overlap: float) -> float:
    return current + previous * overlap


def take(claims: Iterable[tuple[Limit, str]]) -> Ticket | None:
    """Count one event against each ``(limit, key)``; None, counting nothing, if any is spent.

    Keys that are empty are skipped (e.g. no email address was given).
    """
    cache = _cache()
    ticket = Ticket()
    now = time.time()
    try:
        for limit, key in claims:
            if not key:
                continue
            count, seconds = limit.rate
            current_key, previous_key, overlap = _windows(limit, key, now)
            # Two windows of life: the previous window is still read while the next runs.
            cache.add(current_key, 0, timeout=2 * seconds)
            current = cache.incr(current_key)
            ticket.keys.append(current_key)
            previous = int(cache.get(previous_key) or 0)
            if _estimate(current, previous, overlap) > count:
                ticket.give_back()
                return None
    except Exception:  # fail open: see the module docstring
        logger.warning("rate limit not enforced: cache unavailable", exc_info=True)
        return Ticket()
    return ticket


def is_spent(limit: Limit, key: str) -> bool:
    """Whether one more event for ``key`` would go over ``limit`` (counts nothing)."""
    if not key:
        return False
    count, _seconds = limit.rate
    current_key, previous_key, overlap = _windows(limit, key, time.time())
    try:
        values = _cache().get_many([current_key, previous_key])
    except Exception:  # fail open
        logger.warning("rate limit not enforced: cache unavailable", exc_info=True)
        return False
    current = int(values.get(current_key) or 0)
    previous = int(values.get(previous_key) or 0)
    return _estimate(current + 1, previous, overlap) > count


def clear(limit: Limit, key: str) -> None:
    """Forget the events counted for ``key`` (e.g. an account's failures after a success)."""
    if not key:
        return
    current_key, previous_key, _overlap = _windows(limit, key, time.time())
    try:
        _cache().delete_many([current_key, previous_key])
    except Exception:  # the cache is down
        logger.warning("rate limit: cache unavailable", exc_info=True)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    With ``TRUSTED_PROXY_COUNT = n`` (default 0) the n-th address from the right of
    X-Forwarded-For is the client: each trusted proxy appends the address it saw, so
    entries further left were written by the client and are ignored. IPv6 clients are
    counted per /64 network (one subscriber usually holds a whole /64).
    """
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-min(proxies, len(forwarded))]
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip)


def wait_text(limit: Limit) -> str:
    """How long to wait at most, in words: "15 minutes", "1 hour"."""
    _count, seconds = limit.rate
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, -(-seconds // 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
        "count": minutes
    }


def account_mail_refusal(request: HttpRequest, email: str) -> str | None:
    """Count a sign-up, reset or resend for ``email``; the message to show when over.

    The answer is the same whether or not an account has this address, so it tells
    nobody which addresses are registered.
    """
    address = (email or "").strip().lower()
    ticket = take(
        [(ACCOUNT_MAIL_IP, client_ip(request)), (ACCOUNT_MAIL_ADDRESS, address)]
    )
    if ticket is not None:
        return None
    return _(
        "Too many requests for this email address or from your network. "
        "Please try again in %(wait)s."
    ) % {"wait": wait_text(ACCOUNT_MAIL_ADDRESS)}


def take_message(request: HttpRequest) -> Ticket | None:
    """Count one message the signed-in user sends; None when they sent too many.

    Give the ticket back when the message is not sent after all.
    """
    user_id = getattr(getattr(request, "user", None), "pk", None)
    return take(
        [
            (MESSAGES_ACCOUNT, f"user:{user_id}" if user_id else ""),
            (MESSAGES_IP, client_ip(request)),
        ]
    )


def message_refused() -> str:
    """What to tell someone who sent too many messages."""
    return _(
        "You have sent many messages in a short time. Please try again in %(wait)s."
    ) % {"wait": wait_text(MESSAGES_ACCOUNT)}
