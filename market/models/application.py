"""Applications (揭榜申请) to a challenge: a lead organisation, its consortium, its
proposal, a promised value per indicator, milestones and declarations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from market.models.challenge import Challenge, ChallengeIndicator
from market.models.listing import RICH_TEXT_FEATURES, Outcome
from market.models.organisation import Organisation

_percent = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ChallengeApplication(models.Model):
    """One lead organisation's application to one challenge."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="challenge_applications",
    )
    lead_share = models.DecimalField(
        _("lead organisation's share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=_percent,
    )
    team_lead_name = models.CharField(
        _("team lead (挂帅人)"),
        max_length=60,
        help_text=_("Whoever leads the work; no age or title is required."),
    )
    proposal = RichTextField(
        _("technical proposal"), blank=True, features=RICH_TEXT_FEATURES
    )
    proposal_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("proposal (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_outcomes = models.ManyToManyField(
        Outcome,
        verbose_name=_("outcomes it builds on"),
        blank=True,
        related_name="challenge_applications",
    )
    declarations_confirmed = models.BooleanField(
        _("declarations confirmed"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("challenge application")
        verbose_name_plural = _("challenge applications")
        ordering = ["challenge", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "lead_organisation"],
                name="application_one_per_lead",
                violation_error_message=_(
                    "This organisation has already applied to this challenge as lead."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(lead_share__gte=0, lead_share__lte=100),
                name="application_lead_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_organisation} → {self.challenge}"


class ConsortiumMember(models.Model):
    """An organisation that applies together with the lead, with its role and share."""

    application = models.ForeignKey(
        ChallengeApplication, on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=120)
    share = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=_percent
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"],
                name="consortium_member_once",
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0, share__lte=100),
                name="consortium_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role}, {self.share} %)"


class IndicatorResponse(models.Model):
    """The value an application promises for one of the challenge's indicators."""

    application = models.ForeignKey(
        ChallengeApplication, on_delete=models.CASCADE, related_name="responses"
    )
    indicator = models.ForeignKey(
        ChallengeIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    promised_value = models.DecimalField(
        _("promised value"), max_digits=18, decimal_places=6
    )
    approach = models.TextField(_("how it will be reached"), blank=True)

    class Meta:
        verbose_name = _("indicator response")
        verbose_name_plural = _("indicator responses")
        ordering = ["indicator__sort_order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="indicator_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.promised_value.normalize():f}"


class ApplicationMilestone(models.Model):
    """A step of the proposed schedule: when, what is delivered, what it costs."""

    application = models.ForeignKey(
        ChallengeApplication, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=120)
    month = models.PositiveSmallIntegerField(
        _("month"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Months after the start of the work."),
    )
    deliverable = models.TextField(_("deliverable"))
    budget_wan = models.DecimalField(
        _("budget (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["sort_order", "month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_wan__gte=0),
                name="milestone_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title
