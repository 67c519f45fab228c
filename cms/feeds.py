"""Atom feeds of newly published listings (all of them, and one per kind) and of
newly published challenges with campaign results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cms.catalogue import catalogue_urls, wan
from market.models import Campaign, Challenge, Listing, ListingKind
from market.permissions import can_see_issuer, can_see_owner
from market.selectors import (
    campaigns_with_results,
    latest_public_challenges,
    published_listings,
)
from market.services.challenges import beijing_time

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


class LatestChallengesFeed(Feed):
    """Newly published challenges (发榜) and campaigns that published their results."""

    feed_type = Atom1Feed
    title = _("TechMatch: new challenges and campaign results")
    subtitle = _(
        "Challenges with a bounty as they are published, and campaign results."
    )

    def link(self) -> str:
        return reverse("challenges:board")

    def items(self) -> list[Challenge | Campaign]:
        entries: list[Challenge | Campaign] = [
            *latest_public_challenges(FEED_SIZE),
            *campaigns_with_results(FEED_SIZE),
        ]
        entries.sort(key=self.item_pubdate, reverse=True)
        return entries[:FEED_SIZE]

    def item_title(self, item: Challenge | Campaign) -> str:
        if isinstance(item, Campaign):
            return str(_("Results: %(title)s") % {"title": item.title})
        return item.title

    def item_description(self, item: Challenge | Campaign) -> str:
        if isinstance(item, Campaign):
            return item.results
        return str(
            _("Bounty %(bounty)s; applications until %(deadline)s. %(objectives)s")
            % {
                "bounty": wan(item.bounty_wan),
                "deadline": beijing_time(item.application_deadline),
                "objectives": Truncator(item.objectives).chars(300),
            }
        )

    def item_link(self, item: Challenge | Campaign) -> str:
        if isinstance(item, Campaign):
            return reverse("challenges:campaign", args=[item.pk])
        return reverse("challenges:detail", args=[item.pk])

    def item_guid(self, item: Challenge | Campaign) -> str:
        # A campaign and a challenge may share an id: the kind is part of the id.
        kind = "campaign" if isinstance(item, Campaign) else "challenge"
        return f"{kind}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Challenge | Campaign) -> dt.datetime:
        if isinstance(item, Campaign):
            return item.updated_at
        return item.published_at or item.created_at

    def item_updateddate(self, item: Challenge | Campaign) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Challenge | Campaign) -> str | None:
        if isinstance(item, Campaign):
            return item.operator.name
        # Feeds are public: an anonymous challenge's issuer stays hidden.
        return item.issuer.name if can_see_issuer(None, item) else None
