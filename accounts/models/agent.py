"""A transfer agent's coverage: the fields and regions whose conversations they follow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentProfile(models.Model):
    """Which fields and regions an agent covers; empty means every field (or region).

    Moderators edit it in the Wagtail admin; the agent's workspace lists the
    conversations about listings in the covered fields and regions.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transfer agent"),
        on_delete=models.CASCADE,
        related_name="agent_profile",
    )
    fields = models.ManyToManyField(
        "market.TechField",
        verbose_name=_("technology fields"),
        blank=True,
        related_name="+",
        help_text=_("A top-level field covers its sub-fields. Empty: every field."),
    )
    regions = models.ManyToManyField(
        "market.Region",
        verbose_name=_("regions"),
        blank=True,
        related_name="+",
        help_text=_("A province covers its cities and districts. Empty: every region."),
    )

    class Meta:
        verbose_name = _("agent coverage")
        verbose_name_plural = _("agent coverage")

    def __str__(self) -> str:
        return str(self.user)
