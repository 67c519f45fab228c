"""Caches of the public portal: whole anonymous pages, the costly parts of catalogues,
and the view counts of cached detail pages.

Everything cached here depends on version tokens: one per listing kind, replaced (on
commit) when a listing of that kind enters, leaves or changes in the public catalogue,
and one for the page tree ("pages"), replaced when an editor publishes, unpublishes or
moves a page. An entry is keyed by, or remembers, the tokens it was built under, so
replacing a token retires every entry built under it at once. Tokens are read when a
request starts, before any data: a page rendered from data that changed meanwhile is
stored under a retired token, where nobody finds it.

Whole pages are answered by ``cms.middleware.PageCacheMiddleware`` for anonymous
visitors (no session cookie) before sessions, authentication, CSRF, Wagtail routing
or the database are touched. Page views opt in with :func:`mark_cacheable`; such pages
hold nothing personal for anonymous visitors (the language switch is a GET form).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection as db_connection
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.translation import get_language, get_language_from_request

from config.cache import UNREACHABLE, DegradingRedisCache
from market.models import Listing, ListingKind, ListingStatus
from market.services.views import record_views

logger = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")

# How long a cached page lives; invalidation is by signal, this only bounds what
# signals do not cover (an organisation renamed, a region relabelled, view counts).
PAGE_SECONDS = 600
# Parts of pages (facet counts, totals, links to the catalogues) live as long.
PART_SECONDS = 600
# A version token outliving its entries is enough: if it is evicted, a new token is
# drawn and the old entries become unreachable.
VERSION_SECONDS = 24 * 3600

PAGES = "pages"
# What other apps show beside a listing through panels (the matcher's related items):
# replaced when that changes, independently of the listings' own kinds.
RELATED = "related"
# The public challenge pages (board, details, campaigns, honour list, feed): replaced
# when a challenge, its indicators or a campaign change.
CHALLENGES = "challenges"
NAMESPACES: tuple[str, ...] = (*ListingKind.values, PAGES, RELATED, CHALLENGES)


# --- Round trips ------------------------------------------------------------------


def _redis() -> tuple[RedisCache, Any] | None:
    """The Redis cache and a client to it kept for this thread, or None without Redis.

    Django's RedisCache builds a new redis-py client, with its table of ~170 reply
    callbacks, for every operation: a sizeable part of a cached page's time. The
    client is kept on the cache object (one per thread) and used through the
    backend's own key scheme and serializer (``_cache``, stable since Django 4.0).
    While Redis is unreachable (``DegradingRedisCache.available``) this is None too:
    the callers then go through the cache API, which answers like an empty cache.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    if isinstance(backend, DegradingRedisCache) and not backend.available:
        return None
    client = backend.__dict__.get("_cms_client")
    if client is None:
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        backend.__dict__["_cms_client"] = client
    return backend, client


def _mget(client: Any, keys: list[str]) -> list[bytes | None]:
    """MGET on a pooled connection, without redis-py's per-command bookkeeping."""
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_command("MGET", *keys)
        values: list[bytes | None] = connection.read_response()
    except BaseException:
        # A half-read reply would poison the next command on this connection.
        connection.disconnect()
        raise
    finally:
        pool.release(connection)
    return values


def _unreachable(backend: RedisCache, error: BaseException) -> None:
    """Redis failed on a direct call: serve without it for a while (see config.cache)."""
    if not isinstance(backend, DegradingRedisCache):
        raise error
    backend.mark_down(error)


def _get_many(keys: list[str]) -> dict[str, Any]:
    if not keys:
        return {}
    redis = _redis()
    if redis is None:
        return cache.get_many(keys)
    backend, client = redis
    loads = backend._cache._serializer.loads  # type: ignore[attr-defined]
    try:
        values = _mget(client, [backend.make_key(key) for key in keys])
    except UNREACHABLE as error:
        _unreachable(backend, error)
        return {}
    return {
        key: loads(value)
        for key, value in zip(keys, values, strict=True)
        if value is not None
    }


def _set_many(values: Mapping[str, Any], timeout: int) -> None:
    if not values:
        return
    redis = _redis()
    if redis is None:
        cache.set_many(dict(values), timeout)
        return
    backend, client = redis
    dumps = backend._cache._serializer.dumps  # type: ignore[attr-defined]
    try:
        if len(values) == 1:
            [(key, value)] = values.items()
            client.set(backend.make_key(key), dumps(value), ex=timeout)
            return
        pipeline = client.pipeline(transaction=False)
        for key, value in values.items():
            pipeline.set(backend.make_key(key), dumps(value), ex=timeout)
        pipeline.execute()
    except UNREACHABLE as error:
        _unreachable(backend, error)


# --- Version tokens --------------------------------------------------------------


def _version_key(namespace: str) -> str:
    return f"cms:version:{namespace}"


_VERSION_KEYS = {namespace: _version_key(namespace) for namespace in NAMESPACES}


def _complete(found: dict[str, Any]) -> dict[str, str]:
    """The tokens of every namespace, drawing new ones for those missing.

    Without Redis no token can be stored: this request gets tokens of its own, which
    no stored entry carries and under which nothing it stores is ever found again,
    so pages are rendered afresh and never served stale.
    """
    if _pay_owed_bumps():
        found = {}  # the tokens just read were retired
    missing = [ns for ns in NAMESPACES if not found.get(_VERSION_KEYS[ns])]
    if missing:
        for namespace in missing:
            cache.add(_VERSION_KEYS[namespace], uuid.uuid4().hex, VERSION_SECONDS)
        # Another process may have won the add(): read what is there now.
        found = {**found, **cache.get_many([_VERSION_KEYS[ns] for ns in missing])}
    return {
        ns: str(found.get(_VERSION_KEYS[ns]) or f"uncached-{uuid.uuid4().hex}")
        for ns in NAMESPACES
    }


def current_versions(request: HttpRequest | None = None) -> dict[str, str]:
    """The version token of every namespace (one cache round trip per request)."""
    remembered = getattr(request, "_cms_versions", None)
    if remembered is not None:
        return remembered
    versions = _complete(_get_many(list(_VERSION_KEYS.values())))
    if request is not None:
        request._cms_versions = versions  # type: ignore[attr-defined]
    return versions


def host(request: HttpRequest) -> str:
    """``request.get_host()``, validated once per request (Django checks every call)."""
    found = request.__dict__.get("_cms_host")
    if found is None:
        found = request.__dict__["_cms_host"] = request.get_host()
    return found  # type: ignore[no-any-return]


def known_versions(request: HttpRequest | None) -> dict[str, str] | None:
    """The tokens if this request read them already (a cacheable page), else None."""
    return getattr(request, "_cms_versions", None)


# Namespaces whose tokens this process failed to replace (Redis was down when a
# listing changed). Entries cached before the outage would be served again once Redis
# is back with its data; they are retired as soon as Redis answers again.
_owed_bumps: set[str] = set()
_owed_lock = threading.Lock()


def bump_catalogue_version(*kinds: str) -> None:
    """Retire every cached page and part of the given kinds (all, pages too, if none)."""
    namespaces = set(kinds or NAMESPACES)
    with _owed_lock:
        namespaces |= _owed_bumps
        _owed_bumps.clear()
    failed = cache.set_many(
        {_VERSION_KEYS[ns]: uuid.uuid4().hex for ns in namespaces}, VERSION_SECONDS
    )
    if failed:
        with _owed_lock:
            _owed_bumps.update(ns for ns in namespaces if _VERSION_KEYS[ns] in failed)


def _pay_owed_bumps() -> bool:
    """Replace the tokens an outage kept this process from replacing, once it can;
    whether it tried."""
    if not _owed_bumps:
        return False
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, DegradingRedisCache) and not backend.available:
        return False
    bump_catalogue_version(*_owed_bumps)
    return True


def bump_pages_version() -> None:
    """Retire everything built from the page tree (titles, links to the catalogues)."""
    bump_catalogue_version(PAGES)


def bump_related_version() -> None:
    """Retire every page showing what panels put beside a listing (related items)."""
    bump_catalogue_version(RELATED)


# --- Parts of pages --------------------------------------------------------------


def part_key(
    request: HttpRequest | None,
    name: str,
    namespaces: Iterable[str],
    parts: Iterable[Any],
) -> str:
    """The key of a part built from ``namespaces`` as they are now, and ``parts``.

    ``parts`` must name everything the value depends on besides those namespaces
    (filters, language, host).
    """
    versions = current_versions(request)
    tokens = ".".join(versions[ns] for ns in namespaces)
    digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False)
    return f"cms:part:{name}:{tokens}:{digest.hexdigest()}"


# Parts most recently used in this process, kept in memory as well. A part key names
# the version tokens its value was built under, so a copy here can never be out of
# date with respect to publications; only what no signal announces (a renamed
# organisation) may outlive the Redis entry, by at most LOCAL_PART_SECONDS.
LOCAL_PARTS = 4096
LOCAL_PART_SECONDS = 60


class _LocalParts:
    """A bounded, thread-safe LRU of part key → value with a short lifetime.

    Values are shared between requests and threads: callers must not change them.
    """

    def __init__(self, size: int, seconds: float) -> None:
        self._size = size
        self._seconds = seconds
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        now = time.monotonic()
        found = {}
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None:
                    continue
                if entry[0] < now:
                    del self._entries[key]
                    continue
                self._entries.move_to_end(key)
                found[key] = entry[1]
        return found

    def put_many(self, values: Mapping[str, Any]) -> None:
        expires = time.monotonic() + self._seconds
        with self._lock:
            for key, value in values.items():
                self._entries[key] = (expires, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_local_parts = _LocalParts(LOCAL_PARTS, LOCAL_PART_SECONDS)


def get_parts(keys: Mapping[K, str]) -> dict[K, Any]:
    """The stored values of ``keys`` (name → part key): from memory, else one round trip.

    The values are shared with other requests: do not change them.
    """
    found = _local_parts.get_many(keys.values())
    missing = [key for key in keys.values() if key not in found]
    if missing:
        fetched = _get_many(missing)
        _local_parts.put_many(fetched)
        found.update(fetched)
    return {name: found[key] for name, key in keys.items() if key in found}


def set_parts(values: Mapping[str, Any]) -> None:
    """Store parts (part key → picklable value), in one round trip."""
    _set_many(values, PART_SECONDS)
    _local_parts.put_many(values)


# Rendered pieces of the page frame (navigation, footer) as anonymous visitors see
# them, per language, host and page tree version: in process memory only.
_local_fragments = _LocalParts(256, LOCAL_PART_SECONDS)


def anonymous_fragment(
    request: HttpRequest | None, name: str, render: Callable[[], str]
) -> str:
    """``render()`` of a piece of the page frame, kept for anonymous visitors.

    The piece may depend only on the language, the host and the page tree (the
    links to the catalogues). Rendered afresh for signed-in visitors, and where
    the request did not read the version tokens anyway (pages not cacheable).
    """
    versions = known_versions(request)
    user = getattr(request, "user", None)
    if request is None or versions is None or user is None or user.is_authenticated:
        return render()
    key = "|".join((name, get_language(), host(request), versions[PAGES]))
    found = _local_fragments.get_many((key,))
    if key in found:
        return found[key]  # type: ignore[no-any-return]
    html = render()
    _local_fragments.put_many({key: html})
    return html


def cached_part(
    request: HttpRequest | None,
    name: str,
    namespaces: Iterable[str],
    parts: Iterable[Any],
    compute: Callable[[], T],
) -> T:
    """``compute()``, remembered under the current tokens of ``namespaces`` and ``parts``."""
    key = part_key(request, name, namespaces, parts)
    found = get_parts({name: key})
    if name in found:
        return found[name]  # type: ignore[no-any-return]
    value = compute()
    set_parts({key: value})
    return value


# --- Whole pages -----------------------------------------------------------------


@dataclass(frozen=True)
class Cacheable:
    """A page view's consent to keep its anonymous response, and on what it depends."""

    namespaces: tuple[str, ...]
    params: frozenset[str]
    listing_id: int | None
    under: str | None


def mark_cacheable(
    request: HttpRequest,
    *,
    kinds: Iterable[str],
    params: Iterable[str] = (),
    listing_id: int | None = None,
    under: str | None = None,
) -> None:
    """Let the anonymous response to ``request`` be cached until ``kinds`` change.

    Only requests whose query parameters are all in ``params`` are kept, so made-up
    parameters cannot fill the cache. ``listing_id`` names the listing a detail page
    shows: each cached answer counts one view of it. ``under`` is the address below
    which all pages of this view live (a catalogue and its details); without it, only
    this very address is looked up in the cache from now on.
    """
    request._cms_cacheable = Cacheable(  # type: ignore[attr-defined]
        namespaces=(*kinds, PAGES),
        params=frozenset(params),
        listing_id=listing_id,
        under=under,
    )
    # The tokens a stored page is filed under are those before its data was read.
    current_versions(request)


class _Addresses:
    """Where this process has seen cacheable pages: only there is the cache asked.

    Learnt from the views, so other requests (log-in, admin, feeds, health) pay no
    cache round trip. It only decides where to look, never what to serve: an address
    that stopped being a page (a moved catalogue) just costs a miss.
    """

    def __init__(self) -> None:
        self.exact: frozenset[str] = frozenset()
        self.prefixes: tuple[str, ...] = ()

    def learn(self, path: str, under: str | None) -> None:
        if under:
            if under not in self.prefixes:
                self.prefixes = (*self.prefixes, under)
        elif path not in self.exact:
            self.exact = self.exact | {path}

    def __contains__(self, path: str) -> bool:
        return path in self.exact or path.startswith(self.prefixes)


cacheable_addresses = _Addresses()


def is_anonymous_get(request: HttpRequest) -> bool:
    """GET/HEAD without a session (so logged out) and without a pending message."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def may_be_cached(request: HttpRequest) -> bool:
    """An anonymous GET/HEAD of an address where cacheable pages live."""
    return is_anonymous_get(request) and request.path in cacheable_addresses


# Part of every page key: a release that changes what an entry holds starts afresh.
_ENTRY_FORMAT = 2


def _page_key(request: HttpRequest) -> str:
    """Scheme, host, path, sorted query and the visitor's language, hashed."""
    query = request.META.get("QUERY_STRING", "")
    if query:
        query = urlencode(sorted(parse_qsl(query, True)))
    address = "|".join(
        (
            request.scheme or "",
            host(request),
            request.path,
            query,
            get_language_from_request(request),
        )
    )
    return f"cms:page{_ENTRY_FORMAT}:" + hashlib.sha256(address.encode()).hexdigest()


@dataclass
class PageLookup:
    """What the page cache knows of one anonymous request."""

    key: str
    entry: dict[str, Any] | None


# Pages this process served lately: a hit then reads only the tokens from Redis (a
# few bytes) instead of the whole page. They obey the same rule as Redis entries:
# valid while the tokens they were built under are current.
LOCAL_PAGES = 256


class _LocalPages:
    """A small least-recently-used store of page entries in this process."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry["expires"] < time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_local_pages = _LocalPages(LOCAL_PAGES)


def _is_current(entry: dict[str, Any] | None, versions: dict[str, str]) -> bool:
    return entry is not None and all(
        versions.get(ns) == token for ns, token in entry["versions"].items()
    )


def lookup_page(request: HttpRequest) -> PageLookup:
    """The stored page of ``request`` and the current tokens, in one round trip."""
    key = _page_key(request)
    local = _local_pages.get(key)
    keys = list(_VERSION_KEYS.values())
    found = _get_many(keys if local is not None else [key, *keys])
    versions = _complete(found)
    request._cms_versions = versions  # type: ignore[attr-defined]
    if _is_current(local, versions):
        return PageLookup(key=key, entry=local)
    if local is not None:
        # Outdated here; another process may have stored the current page since.
        found = _get_many([key])
    entry = found.get(key)
    if entry is None or not _is_current(entry, versions):
        return PageLookup(key=key, entry=None)
    _local_pages.put(key, entry)
    return PageLookup(key=key, entry=entry)


def cached_response(request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
    """The stored page as a response (304 when the visitor has it already)."""
    response = HttpResponse(entry["content"], headers=entry["headers"])
    response["X-Page-Cache"] = "hit"
    if entry["listing_id"] is not None and request.method == "GET":
        count_view(entry["listing_id"])
    conditional = get_conditional_response(
        request, etag=entry["headers"].get("ETag"), response=response
    )
    return conditional or response


def store_page(
    request: HttpRequest, lookup: PageLookup | None, response: HttpResponseBase
) -> HttpResponseBase:
    """Keep an anonymous page its view marked cacheable, if nothing in it is personal.

    ``lookup`` is None when the cache was not asked (an address not yet known to
    hold cacheable pages).
    """
    cacheable: Cacheable | None = getattr(request, "_cms_cacheable", None)
    if cacheable is None:
        return response
    cacheable_addresses.learn(request.path, cacheable.under)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    response["X-Page-Cache"] = "miss"
    cache_control = response.get("Cache-Control", "")
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies  # a session, a CSRF token or a message: personal
        or "private" in cache_control
        or "no-store" in cache_control
        or "*" in response.get("Vary", "")
    ):
        return response
    # Shared caches may keep the page but must ask again each time (it can change
    # with the next publication); the ETag makes asking cheap.
    patch_cache_control(response, public=True, no_cache=True)
    content = response.content  # type: ignore[attr-defined]
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    response["ETag"] = f'"{digest}"'
    if set(request.GET) - cacheable.params:
        return response
    key = lookup.key if lookup is not None else _page_key(request)
    versions = current_versions(request)
    entry = {
        "versions": {ns: versions[ns] for ns in cacheable.namespaces},
        "headers": {k: v for k, v in response.items() if k != "X-Page-Cache"},
        "content": content,
        "listing_id": cacheable.listing_id,
        "expires": time.time() + PAGE_SECONDS,
    }
    _set_many({key: entry}, PAGE_SECONDS)
    _local_pages.put(key, entry)
    return response


def never_cache_personal(
    request: HttpRequest, response: HttpResponseBase
) -> HttpResponseBase:
    """A cacheable page rendered for a visitor with a session stays in their browser."""
    if getattr(request, "_cms_cacheable", None) is not None:
        add_never_cache_headers(response)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


# --- View counts -----------------------------------------------------------------
#
# A cached detail page counts its view without touching PostgreSQL: views are added up
# in the web process, sent to Redis at most every VIEW_SEND_SECONDS by a daemon thread
# (one pipeline for all of them, instead of a round trip per page served), and written
# to the listings by cms.tasks.flush_view_counts every few minutes. A worker killed
# outright loses at most its last second of views; a graceful exit sends them.

VIEW_SEND_SECONDS = 1.0
_PENDING_VIEWS = "cms:views:pending"


def _views_key(listing_id: int | str) -> str:
    return f"cms:views:{listing_id}"


def _add_views(counts: Mapping[int, int]) -> None:
    """Add views to the Redis counters and note their listings for the next flush.

    Without Redis they go straight to the database.
    """
    redis = _redis()
    if redis is None:
        record_views(counts)
        return
    backend, client = redis
    # Django's incr() costs two round trips and its API cannot list keys.
    pipeline = client.pipeline(transaction=False)
    for listing_id, views in counts.items():
        pipeline.incrby(backend.make_key(_views_key(listing_id)), views)
        pipeline.sadd(backend.make_key(_PENDING_VIEWS), listing_id)
    try:
        pipeline.execute()
    except UNREACHABLE as error:
        _unreachable(backend, error)
        record_views(counts)


class _ViewTally:
    """The views counted in this process and not yet sent to Redis."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Held while sending, so that a flush waits for views already on their way.
        self._sending = threading.Lock()
        self._counts: Counter[int] = Counter()
        self._wake = threading.Event()
        self._pid = 0

    def add(self, listing_id: int) -> None:
        with self._lock:
            self._counts[listing_id] += 1
            # Threads do not survive a fork: each worker process starts its own.
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(
                    target=self._run, name="cms-view-tally", daemon=True
                ).start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(VIEW_SEND_SECONDS)
            self._wake.clear()
            try:
                self.send()
            except Exception:
                logger.exception("sending view counts to the cache failed")
            finally:
                # Without Redis the views went to the database: do not keep this
                # thread's connection open between sends.
                db_connection.close()

    def send(self) -> None:
        """Send the views counted so far; kept for the next try if that fails."""
        with self._sending:
            with self._lock:
                counts, self._counts = self._counts, Counter()
            if not counts:
                return
            try:
                _add_views(counts)
            except Exception:
                with self._lock:
                    self._counts.update(counts)
                raise


_tally = _ViewTally()
atexit.register(_tally.send)


def count_view(listing_id: int) -> None:
    """Count one view of a listing (in Redis; at once in the database without Redis)."""
    if _redis() is None:
        record_views({listing_id: 1})
    else:
        _tally.add(listing_id)


def _drain_view_counts() -> dict[int, int]:
    """Take the counted views out of Redis: listing id → views since the last drain.

    Each id is popped from the pending set and its counter read and deleted in one
    transaction, so a view counted meanwhile lands in the next drain, never in two.
    """
    redis = _redis()
    if redis is None:
        return {}
    backend, client = redis
    counts: dict[int, int] = {}
    pending = backend.make_key(_PENDING_VIEWS)
    while ids := client.spop(pending, 500):
        pipeline = client.pipeline(transaction=True)
        for listing_id in ids:
            pipeline.getdel(backend.make_key(_views_key(int(listing_id))))
        for listing_id, value in zip(ids, pipeline.execute(), strict=True):
            if value:
                counts[int(listing_id)] = counts.get(int(listing_id), 0) + int(value)
    return counts


def flush_view_counts() -> int:
    """Add the views counted in Redis to the listings; the number of listings updated.

    This process's own unsent views go first. Views are put back in Redis when the
    database write fails, for the next run to add.
    """
    _tally.send()
    counts = _drain_view_counts()
    if not counts:
        return 0
    try:
        return record_views(counts)
    except Exception:
        _add_views(counts)
        raise


# --- Receivers, connected in CmsConfig.ready() -------------------------------------


def listing_status_changed_receiver(
    sender: Any, *, kind: str, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """A listing entered or left the public catalogue: retire its kind's pages on commit."""
    if ListingStatus.PUBLISHED in (old_status, new_status):
        transaction.on_commit(lambda: bump_catalogue_version(kind))


def listings_status_changed_receiver(
    sender: Any,
    *,
    kinds: Iterable[str],
    old_statuses: dict[int, str],
    new_status: str,
    **kwargs: Any,
) -> None:
    """Many listings took one step: retire their kinds' pages once, on commit."""
    if ListingStatus.PUBLISHED in (new_status, *old_statuses.values()):
        changed = list(kinds)
        transaction.on_commit(lambda: bump_catalogue_version(*changed))


def listings_changed_receiver(
    sender: Any, *, listing_ids: Iterable[int], **kwargs: Any
) -> None:
    """Published listings changed in place: retire their kinds' pages on commit."""
    ids = list(listing_ids)

    def bump() -> None:
        kinds = set(
            Listing.objects.filter(pk__in=ids).values_list("kind", flat=True).distinct()
        )
        if kinds:
            bump_catalogue_version(*kinds)

    transaction.on_commit(bump)


def challenges_changed_receiver(sender: Any, **kwargs: Any) -> None:
    """A challenge, an indicator or a campaign changed: retire the challenge pages."""
    transaction.on_commit(lambda: bump_catalogue_version(CHALLENGES))


def catalogue_page_changed_receiver(sender: Any, **kwargs: Any) -> None:
    """A page, a site or a view restriction changed: titles, links, routes may differ."""
    transaction.on_commit(bump_pages_version)
