"""Anonymous page cache of the catalogue and detail pages, invalidated when listings change.

Pages are cached per kind under a version token; publishing, archiving, expiring or
editing a listing replaces the token of its kind (on commit), which retires every page
of that kind at once. Only anonymous GETs without pending messages are cached, so a
logged-in user never sees a cached page. The CSRF tokens baked into a cached page (the
language form) are replaced with the visitor's own on the way out.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from market.models import Listing, ListingKind, ListingStatus

# How long a cached page lives; invalidation is by signal, this only bounds what
# signals do not cover (an organisation renamed, a field relabelled).
PAGE_SECONDS = 600
# A version token outliving its pages is enough: if it is evicted, a new token is
# drawn and the old pages become unreachable.
VERSION_SECONDS = 24 * 3600

_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _version_key(kind: str) -> str:
    return f"cms:catalogue-version:{kind}"


def catalogue_version(kind: str) -> str:
    """The current version token of a kind's cached pages."""
    key = _version_key(kind)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, VERSION_SECONDS)
        version = cache.get(key)
    return str(version)


def bump_catalogue_version(*kinds: str) -> None:
    """Retire every cached page of the given kinds (all kinds when none is given)."""
    for kind in kinds or tuple(ListingKind.values):
        cache.set(_version_key(kind), uuid.uuid4().hex, VERSION_SECONDS)


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD outside preview, with no message waiting to be shown."""
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # len() loads the messages without marking them as shown.
    return not len(get_messages(request))


def _page_key(request: HttpRequest, kind: str) -> str:
    url = request.build_absolute_uri().encode()
    digest = hashlib.sha256(url).hexdigest()
    return f"cms:page:{kind}:{catalogue_version(kind)}:{get_language()}:{digest}"


def _fresh_csrf(request: HttpRequest, content: bytes) -> bytes:
    if b"csrfmiddlewaretoken" not in content:
        return content
    token = get_token(request).encode()
    return _CSRF_INPUT.sub(lambda m: m.group(1) + token + m.group(2), content)


class PageCache:
    """The cache entry of one request's page, keyed when the request starts.

    Taking the version before any data is read means a page rendered from data that
    changed meanwhile is stored under the retired version, where nobody finds it.
    """

    def __init__(self, request: HttpRequest, kind: str) -> None:
        self.request = request
        self.key = _page_key(request, kind) if is_cacheable(request) else None

    def get(self) -> HttpResponse | None:
        """The stored page with the visitor's own CSRF token, or None."""
        if self.key is None:
            return None
        entry = cache.get(self.key)
        if entry is None:
            return None
        content, content_type = entry
        response = HttpResponse(
            _fresh_csrf(self.request, content), content_type=content_type
        )
        response["X-Page-Cache"] = "hit"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    def store(self, response: Any) -> Any:
        """Keep a successful response for the next anonymous visitor; return it."""
        if self.key is None or response.status_code != 200:
            return response
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        cache.set(self.key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response


# Receivers, connected in CmsConfig.ready().


def listing_status_changed_receiver(
    sender: Any, *, kind: str, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """A listing entered or left the public catalogue: retire its kind's pages on commit."""
    if ListingStatus.PUBLISHED in (old_status, new_status):
        transaction.on_commit(lambda: bump_catalogue_version(kind))


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


def catalogue_page_changed_receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An editor published or unpublished a catalogue page: its pages show new text."""
    kind = getattr(instance.specific_class, "listing_kind", None)
    if kind:
        transaction.on_commit(lambda: bump_catalogue_version(kind))
