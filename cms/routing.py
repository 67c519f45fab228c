"""Serving the catalogue pages without Wagtail's per-request site lookup and routing.

Wagtail finds the site of every request (a query), walks the page tree from the
site's root one slug at a time (a query per level plus one per ``.specific``), and
checks view restrictions (another query): ~5 ms of a catalogue page that is otherwise
assembled from cached parts. Here each process keeps, per site, the live catalogue
pages (specific, as Wagtail would route to them) and the site's root paths, built
once per version of the page tree (``cms.cache.PAGES``): publishing, unpublishing,
moving or deleting a page, changing a view restriction or a site replaces that token,
so the next request rebuilds the table. Everything else — pages of other types,
catalogues with view restrictions, anything the table does not know — is served by
Wagtail's own ``serve`` as before, and a catalogue page found here runs the same
``route``, serve hooks and view that Wagtail would run.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail import hooks
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.wagtail_hooks import check_view_restrictions

from cms.cache import PAGES, current_versions

logger = logging.getLogger(__name__)

# Hosts remembered per process; with a wildcard ALLOWED_HOSTS, others are routed
# by Wagtail.
MAX_HOSTS = 32


@dataclass(frozen=True)
class Catalogue:
    """A live catalogue page of a site, as Wagtail's routing would find it."""

    page: Page  # specific, shared: copied for each request
    path: str  # below the site's root, like Wagtail's serve path: "outcomes/"


@dataclass(frozen=True)
class SiteRoutes:
    """What a host's requests need to reach its catalogue pages without a query."""

    site: Site | None
    root_paths: tuple[Any, ...]  # Site.get_site_root_paths(), for page.get_url()
    catalogues: tuple[Catalogue, ...]


def _catalogue_models() -> tuple[type[Page], ...]:
    from cms.models import CatalogueIndexPage

    return tuple(
        model
        for model in CatalogueIndexPage.__subclasses__()
        if not model._meta.abstract
    )


def _routed_like_a_page(page: Page) -> bool:
    # An ancestor that routes its own way (a routable page) might not hand over.
    return type(page).route is Page.route


def build_routes(request: HttpRequest) -> SiteRoutes:
    """The catalogue pages Wagtail would serve for ``request``'s host (a few queries)."""
    site = Site.find_for_request(request)
    root_paths = tuple(Site.get_site_root_paths())
    if site is None:
        return SiteRoutes(site=None, root_paths=root_paths, catalogues=())
    root = site.root_page
    catalogues = []
    for model in _catalogue_models():
        for page in model.objects.live().descendant_of(root).order_by("path"):
            restricted = PageViewRestriction.objects.filter(
                page__in=page.get_ancestors(inclusive=True)
            ).exists()
            between = page.get_ancestors().descendant_of(root, inclusive=True)
            if restricted or not all(
                _routed_like_a_page(p) for p in between.specific()
            ):
                continue
            catalogues.append(
                Catalogue(page=page, path=page.url_path[len(root.url_path) :])
            )
    # Longest first, so that a catalogue below another one is found first.
    catalogues.sort(key=lambda c: len(c.path), reverse=True)
    return SiteRoutes(site=site, root_paths=root_paths, catalogues=tuple(catalogues))


class RouteTable:
    """The routes of each host, valid for one version of the page tree."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = ""
        self._hosts: dict[tuple[str, str], SiteRoutes] = {}

    def for_request(self, request: HttpRequest) -> SiteRoutes:
        """The routes of ``request``'s host, built on first use."""
        version = current_versions(request)[PAGES]
        # Wagtail's own key: the raw host (already validated) and the port.
        raw = request._get_raw_host()  # type: ignore[attr-defined]
        host = (split_domain_port(raw)[0], request.get_port())
        with self._lock:
            if version != self._version:
                self._version, self._hosts = version, {}
            routes = self._hosts.get(host)
        if routes is not None:
            return routes
        routes = build_routes(request)
        with self._lock:
            # Built from data read after the token: a newer token makes it unused.
            if version == self._version and len(self._hosts) < MAX_HOSTS:
                self._hosts[host] = routes
        return routes


route_table = RouteTable()


def _unrestricted_chain(
    page: Page, request: HttpRequest, args: Any, kwargs: Any
) -> Any:
    """Wagtail's serve chain, less the view-restriction check the table already made."""
    chain = wagtail_views.serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        if fn is not check_view_restrictions:
            chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a catalogue page from the route table, any other page through Wagtail."""
    try:
        routes = route_table.for_request(request)
    except Exception:
        # The table is an accelerator: without the cache, Wagtail routes.
        logger.exception("catalogue route table unavailable")
        routes = None
    if routes is not None:
        for catalogue in routes.catalogues:
            if path.startswith(catalogue.path):
                return _serve_catalogue(request, routes, catalogue, path)
    return wagtail_views.serve(request, path)


def _serve_catalogue(
    request: HttpRequest, routes: SiteRoutes, catalogue: Catalogue, path: str
) -> HttpResponse:
    # What Site.find_for_request() and Page.get_url() would look up, per request.
    request._wagtail_site = routes.site  # type: ignore[attr-defined]
    request._wagtail_cached_site_root_paths = routes.root_paths  # type: ignore[attr-defined]
    page = copy.copy(catalogue.page)
    components = [c for c in path[len(catalogue.path) :].split("/") if c]
    route = page.route(request, components)
    request._wagtail_route_for_request = route  # type: ignore[attr-defined]
    page, args, kwargs = route
    return _unrestricted_chain(page, request, args, kwargs)
