"""Atom feeds of newly published listings: all of them, and one per kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cms.catalogue import catalogue_urls
from market.models import Listing, ListingKind
from market.permissions import can_see_owner
from market.selectors import published_listings

FEED_SIZE = 30


class LatestListingsFeed(Feed):
    """The newest published outcomes and demands."""

    feed_type = Atom1Feed
    kind: str | None = None
    title = _("TechMatch: new research outcomes and technology demands")
    subtitle = _("Listings as they are published on the technology transfer market.")

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The item links need the request (catalogue addresses, site root); a Feed
        # instance is shared between requests, so the request goes on a fresh copy.
        feed = type(self)()
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def link(self) -> str:
        if self.kind:
            return catalogue_urls(self.request).get(self.kind, "/")
        return "/"

    def items(self) -> list[Listing]:
        urls = catalogue_urls(self.request)
        listings = published_listings(self.kind).select_related(
            "organisation", "field"
        )[:FEED_SIZE]
        # A listing whose catalogue page is missing has nowhere to link to.
        return [listing for listing in listings if listing.kind in urls]

    def item_title(self, item: Listing) -> str:
        return item.title

    def item_description(self, item: Listing) -> str:
        return item.summary

    def item_link(self, item: Listing) -> str:
        return f"{catalogue_urls(self.request)[item.kind]}{item.pk}/"

    def item_pubdate(self, item: Listing) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Listing) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Listing) -> str | None:
        # Feeds are public: an anonymous listing's organisation stays hidden.
        return item.organisation.name if can_see_owner(None, item) else None

    def item_categories(self, item: Listing) -> list[str]:
        categories = [str(item.get_kind_display())]
        if item.field_id:
            categories.append(item.field.label)
        return categories


class LatestOutcomesFeed(LatestListingsFeed):
    """The newest published research outcomes."""

    kind = ListingKind.OUTCOME
    title = _("TechMatch: new research outcomes")


class LatestDemandsFeed(LatestListingsFeed):
    """The newest published technology demands."""

    kind = ListingKind.DEMAND
    title = _("TechMatch: new technology demands")
