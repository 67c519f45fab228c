"""Middleware of the public portal: the anonymous page cache and the language switch.

Both sit right after SecurityMiddleware and WhiteNoise, so what they answer costs no
session, authentication, CSRF check, Wagtail routing or database query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language

from cms import cache as page_cache

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponseBase]


class PageCacheMiddleware:
    """Answer anonymous GET/HEAD requests for cacheable pages from the cache.

    A visitor without a session cookie is anonymous and has no message waiting, so
    the page is the same for every such visitor of that address in that language.
    Views opt their pages in (``cms.cache.mark_cacheable``); everyone else, and every
    request with a session, goes through the whole stack untouched but for
    no-store headers on those pages.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not page_cache.is_anonymous_get(request):
            return page_cache.never_cache_personal(request, self.get_response(request))
        if not page_cache.may_be_cached(request):
            # Not (yet) known as a page address: ask no cache, but learn from the view.
            return self._store(request, None, self.get_response(request))
        try:
            lookup = page_cache.lookup_page(request)
        except DisallowedHost:
            # CommonMiddleware answers 400 further in.
            return self.get_response(request)
        except Exception:
            # The cache is an accelerator: without it, pages are rendered.
            logger.exception("page cache lookup failed")
            return self.get_response(request)
        if lookup.entry is not None:
            return page_cache.cached_response(request, lookup.entry)
        return self._store(request, lookup, self.get_response(request))

    def _store(
        self,
        request: HttpRequest,
        lookup: page_cache.PageLookup | None,
        response: HttpResponseBase,
    ) -> HttpResponseBase:
        try:
            return page_cache.store_page(request, lookup, response)
        except Exception:
            logger.exception("page cache store failed")
            return response


def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """Remember the chosen language in a cookie and go back to the page it came from.

    A GET, so pages carry no CSRF token and stay cacheable: a forged switch of
    someone's language harms nothing.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response


class LanguageSwitchMiddleware:
    """Serve GET requests to Django's ``set_language`` address with :func:`switch_language`.

    Django's own view only switches on POST, which needs a CSRF token in every page;
    POST keeps working.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # A switch always names the language: other requests skip the reverse().
        if request.method == "GET" and "language=" in request.META.get(
            "QUERY_STRING", ""
        ):
            try:
                address = reverse("set_language")
            except NoReverseMatch:
                address = None
            if request.path == address:
                return switch_language(request)
        return self.get_response(request)
