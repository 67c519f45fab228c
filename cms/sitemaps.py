"""sitemap.xml: the Wagtail pages plus every published listing's detail page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from cms.catalogue import catalogue_urls
from market.kinds import registry as kinds
from market.models import Listing
from market.selectors import published_listings


class ListingSitemap(Sitemap):
    """Detail pages of the published listings of one kind; lastmod is their last edit."""

    def __init__(self, kind: str, request: HttpRequest) -> None:
        self.kind = kind
        self.request = request
        self.base = catalogue_urls(request).get(kind)

    def items(self) -> Any:
        if not self.base:
            return Listing.objects.none()
        return published_listings(self.kind).only("pk", "kind", "updated_at")

    def location(self, item: Listing) -> str:
        return f"{self.base}{item.pk}/"

    def lastmod(self, item: Listing) -> dt.datetime:
        return item.updated_at


def sitemap(request: HttpRequest) -> HttpResponse:
    """sitemap.xml with Wagtail's pages and the outcome and demand detail pages."""
    return wagtail_sitemap(
        request,
        sitemaps={
            "pages": PageSitemap(request),
            **{spec.plural: ListingSitemap(spec.key, request) for spec in kinds},
        },
    )
