"""Matching app configuration: listens to the market's signals, adds its panels."""

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
        from matching import portal_panels, receivers
        from matching.panels import (
            recommendations_panel,
            related_panel,
            workspace_panel,
        )

        listing_status_changed.connect(
            receivers.on_listing_status_changed, dispatch_uid="matching.status"
        )
        listings_changed.connect(
            receivers.on_listings_changed, dispatch_uid="matching.changed"
        )
        listings_status_changed.connect(
            receivers.on_listings_status_changed, dispatch_uid="matching.statuses"
        )
        register_panel("conversation_thread", portal_panels.introduction_panel)
        register_panel("agent_workspace", portal_panels.agent_lists_panel)
        register_panel("listing_detail_aside", related_panel)
        # 为您推荐 carries the owner's "an agent will follow up" notices too.
        register_panel("workbench_home", recommendations_panel)
        register_panel("agent_workspace", workspace_panel, order=-10)
