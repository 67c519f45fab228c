"""Import batches: one row per confirmed import of a catalogue file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models.listing import ListingKind


class ImportBatch(models.Model):
    """A catalogue file imported at once; listings it created or changed point here.

    Moderators filter the review queue by batch to publish, reject or archive what one
    import brought in.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ListingKind.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    status = models.CharField(_("status of new listings"), max_length=20)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    published = models.PositiveIntegerField(_("published"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    defaults = models.JSONField(_("operator defaults"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        when = (
            timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")
            if self.created_at
            else ""
        )
        return f"#{self.pk} {when} {self.filename}".strip()
