"""Organisations: universities, institutes, enterprises, agencies and government bodies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from market.validators import validate_uscc


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Transfer or service agency")
    GOVERNMENT = "government", _("Government body")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def verified(self) -> OrganisationQuerySet:
        return self.filter(is_verified=True)


class Organisation(models.Model):
    """A legal entity that owns outcomes, posts demands or serves the market."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_(
            "18 characters, as printed on the business licence or registration certificate."
        ),
    )
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Set by a moderator after checking the organisation's registration."
        ),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [("verify_organisation", _("Can verify organisations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organisation_unique_credit_code",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "is_verified"], name="organisation_kind_verified"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        return " ".join(
            part for part in (self.province, self.city, self.district) if part
        )
