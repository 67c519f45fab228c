"""Matching app configuration: listens to the market's signals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from market.signals import (
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )
        from matching import receivers

        listing_status_changed.connect(
            receivers.on_listing_status_changed, dispatch_uid="matching.status"
        )
        listings_changed.connect(
            receivers.on_listings_changed, dispatch_uid="matching.changed"
        )
        listings_status_changed.connect(
            receivers.on_listings_status_changed, dispatch_uid="matching.statuses"
        )
