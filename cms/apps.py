"""CMS app configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Portal pages")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cms import cache
        from market.models import Campaign, Challenge, ChallengeIndicator
        from market.signals import (
            challenge_status_changed,
            listing_status_changed,
            listings_changed,
            listings_status_changed,
        )

        listing_status_changed.connect(
            cache.listing_status_changed_receiver,
            dispatch_uid="cms.cache.listing_status_changed",
        )
        listings_changed.connect(
            cache.listings_changed_receiver, dispatch_uid="cms.cache.listings_changed"
        )
        listings_status_changed.connect(
            cache.listings_status_changed_receiver,
            dispatch_uid="cms.cache.listings_status_changed",
        )
        # Every step of a challenge saves its row; admin edits of challenges, their
        # indicators and campaigns do too.
        challenge_status_changed.connect(
            cache.challenges_changed_receiver,
            dispatch_uid="cms.cache.challenge_status_changed",
        )
        for model in (Challenge, ChallengeIndicator, Campaign):
            for signal, verb in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(
                    cache.challenges_changed_receiver,
                    sender=model,
                    dispatch_uid=f"cms.cache.{model.__name__.lower()}_{verb}",
                )
        for signal, name in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
        ):
            signal.connect(
                cache.catalogue_page_changed_receiver,
                dispatch_uid=f"cms.cache.catalogue_page_{name}",
            )
        # What else decides where a page is served and to whom: sites, view
        # restrictions, deleted pages (cms.routing keeps routes per page tree version).
        for signal, sender, name in (
            (post_save, Site, "site_saved"),
            (post_delete, Site, "site_deleted"),
            (post_save, PageViewRestriction, "restriction_saved"),
            (post_delete, PageViewRestriction, "restriction_deleted"),
            (post_delete, Page, "page_deleted"),
        ):
            signal.connect(
                cache.catalogue_page_changed_receiver,
                sender=sender,
                dispatch_uid=f"cms.cache.{name}",
            )
