"""Wagtail's audit log of listings, kept apart so that reading it follows market.permissions.

Wagtail stores the log of any model in one ``ModelLogEntry`` table and shows a user
every entry of a model they hold any permission on: transfer agents, who may view
outcomes, would read the titles of every draft in the site history report. Like
Wagtail's own page log, listings get their own log model whose
``viewable_by_user`` shows only entries of listings the user may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager

from market.models.listing import Demand, Listing, Outcome

_ADMIN_ACTIONS = ("view", "add", "change", "delete")


class ListingLogEntryManager(BaseLogEntryManager):
    """Log entries of listings; ``viewable_by_user`` applies ``visible_listings``."""

    def log_action(self, instance: Any, action: str, **kwargs: Any) -> Any:
        kwargs.update(listing_id=instance.pk)
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance: Any) -> Any:
        return self.filter(listing_id=instance.pk)

    def viewable_by_user(self, user: Any) -> Any:
        # Imported here: market.permissions imports the models.
        from market.permissions import can_moderate, visible_listings

        if user.is_superuser or can_moderate(user):
            return self.all()  # deleted listings' entries included
        content_types = [
            ContentType.objects.get_for_model(model).pk
            for model in (Outcome, Demand)
            if any(
                user.has_perm(f"market.{action}_{model._meta.model_name}")
                for action in _ADMIN_ACTIONS
            )
        ]
        visible = visible_listings(Listing.objects.all(), user).values("pk")
        return self.filter(content_type_id__in=content_types, listing_id__in=visible)


class ListingLogEntry(BaseLogEntry):
    """One logged action on an outcome or demand (Wagtail's audit log)."""

    listing: models.ForeignKey[Listing, Listing] = models.ForeignKey(
        Listing,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # entries outlive a deleted listing, as Wagtail's do
        related_name="+",
    )

    objects = ListingLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("listing log entry")
        verbose_name_plural = _("listing log entries")

    def __str__(self) -> str:
        return (
            f"ListingLogEntry {self.pk}: {self.action!r} on listing {self.listing_id}"
        )

    @cached_property
    def object_id(self) -> Any:  # type: ignore[override]
        return self.listing_id
