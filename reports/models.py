"""No tables: a permission-holder for who may read the managers' dashboard."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Statistics(models.Model):
    """Holds the ``reports.view_dashboard`` permission (no table behind it)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can read the market statistics dashboard"))
        ]
        verbose_name = _("market statistics")
        verbose_name_plural = _("market statistics")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
