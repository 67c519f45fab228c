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
            challenge_status_changed,
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )
        from matching import panels, receivers

        listing_status_changed.connect(
            receivers.on_listing_status_changed, dispatch_uid="matching.status"
        )
        listings_changed.connect(
            receivers.on_listings_changed, dispatch_uid="matching.changed"
        )
        listings_status_changed.connect(
            receivers.on_listings_status_changed, dispatch_uid="matching.statuses"
        )
        challenge_status_changed.connect(
            receivers.on_challenge_status_changed, dispatch_uid="matching.challenge"
        )
        register_panel("conversation_thread", panels.introduction_panel)
        register_panel("agent_workspace", panels.agent_lists_panel)
        register_panel("listing_detail_aside", panels.related_panel)
        # 为您推荐 carries the owner's "an agent will follow up" notices too.
        register_panel("workbench_home", panels.recommendations_panel)
        register_panel("agent_workspace", panels.workspace_panel, order=-10)
        register_panel("agent_workspace", panels.challenges_solvers_panel, order=10)
        register_panel("challenge_workbench", panels.solvers_panel)
        register_panel("agent_pipeline", panels.pipeline_panel)
