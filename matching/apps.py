"""Matching app configuration: listens to the market's signals, adds its panel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from cms.panels import register_panel
        from market.signals import (
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )
        from matching import receivers
        from matching.panels import workspace_panel

        listing_status_changed.connect(
            receivers.on_listing_status_changed, dispatch_uid="matching.status"
        )
        listings_changed.connect(
            receivers.on_listings_changed, dispatch_uid="matching.changed"
        )
        listings_status_changed.connect(
            receivers.on_listings_status_changed, dispatch_uid="matching.statuses"
        )
        register_panel("agent_workspace", workspace_panel)
