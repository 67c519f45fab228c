"""Challenges (榜单) and campaigns (创新挑战赛): a problem with a bounty and its life cycle.

A challenge is not a listing: its life cycle runs from 发榜 through award, delivery
and payout, with objections during the public announcement (公示). It reuses what
listings define (technology fields, regions, confidentiality tiers, the rich-text
feature set) so that the catalogue's filters and the matcher can read it alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from market.models.listing import RICH_TEXT_FEATURES, Confidentiality, Demand
from market.models.organisation import Organisation
from market.models.taxonomy import Region, TechField


def default_max_consortium_members() -> int:
    """How many members besides the lead an application may name (a setting)."""
    return int(getattr(settings, "CHALLENGE_MAX_CONSORTIUM_MEMBERS", 4))


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", _("Collecting challenges")
    CLOSED = "closed", _("Closed")
    RESULTS = "results", _("Results published")


class Campaign(models.Model):
    """An innovation challenge campaign (创新挑战赛) that collects challenges."""

    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="operated_campaigns",
    )
    title = models.CharField(_("title"), max_length=120)
    description = RichTextField(
        _("description"), blank=True, features=RICH_TEXT_FEATURES
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    event_on = models.DateField(
        _("matchmaking event on"),
        null=True,
        blank=True,
        help_text=_("The day of the on-site matchmaking event (现场对接赛)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    results = models.TextField(
        _("results"),
        blank=True,
        help_text=_("The signed intentions and winners the campaign announces."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("challenge campaign")
        verbose_name_plural = _("challenge campaigns")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": _("A campaign cannot close before it opens.")}
            )
        if self.event_on and self.opens_on and self.event_on < self.opens_on:
            raise ValidationError(
                {"event_on": _("The matchmaking event cannot be before the opening.")}
            )


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Open for applications")
    CLOSED = "closed", _("Applications closed")
    UNDER_REVIEW = "under_review", _("Under review")
    AWARDED = "awarded", _("Awarded (public announcement)")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTED = "accepted", _("Accepted")
    PAID_OUT = "paid_out", _("Paid out")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FAILED = "failed", _("Failed: no suitable applicant")
    TERMINATED = "terminated", _("Terminated")


# What the public sees: everything from 发榜 on (a withdrawn challenge that was never
# published stays private; see market.permissions.can_view_challenge).
PUBLIC_CHALLENGE_STATUSES = frozenset(
    {
        ChallengeStatus.PUBLISHED,
        ChallengeStatus.CLOSED,
        ChallengeStatus.UNDER_REVIEW,
        ChallengeStatus.AWARDED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.ACCEPTED,
        ChallengeStatus.PAID_OUT,
        ChallengeStatus.FAILED,
        ChallengeStatus.TERMINATED,
    }
)


class PaymentTerms(models.TextChoices):
    UPFRONT = "upfront", _("First instalment upfront (首期)")
    MILESTONES = "milestones", _("By milestone")
    ON_COMPLETION = "on_completion", _("After acceptance (事后)")


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def awaiting_review(self) -> ChallengeQuerySet:
        return self.filter(status=ChallengeStatus.SUBMITTED).order_by(
            "submitted_at", "pk"
        )

    def open_for_applications(
        self, now: dt.datetime | None = None
    ) -> ChallengeQuerySet:
        return self.filter(
            status=ChallengeStatus.PUBLISHED,
            application_deadline__gt=now or timezone.now(),
        )

    def due_to_close(self, now: dt.datetime) -> ChallengeQuerySet:
        """Published challenges whose application deadline has passed at ``now``."""
        return self.filter(
            status=ChallengeStatus.PUBLISHED, application_deadline__lte=now
        )


class Challenge(models.Model):
    """A challenge (榜单): a technical problem an issuer publishes with a bounty."""

    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    source_demand = models.ForeignKey(
        Demand,
        verbose_name=_("promoted from demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    # A draft may leave these empty; submission asks for them (missing_for_submission).
    background = RichTextField(_("background"), blank=True, features=RICH_TEXT_FEATURES)
    objectives = models.TextField(_("technical objectives"), blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    field = models.ForeignKey(
        TechField,
        verbose_name=_("technology field"),
        on_delete=models.PROTECT,
        related_name="challenges",
        help_text=_("A field or one of its sub-fields."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    bounty_wan = models.DecimalField(
        _("bounty (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=20,
        choices=PaymentTerms.choices,
        default=PaymentTerms.MILESTONES,
    )
    payment_terms_note = models.TextField(
        _("payment terms in detail"),
        blank=True,
        help_text=_("For example: 30 % on signing, 40 % at the mid-term check …"),
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    application_deadline = models.DateTimeField(
        _("application deadline"),
        help_text=_("Stored in UTC, shown in Beijing time."),
    )
    eligibility = models.TextField(_("eligibility"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Experts do not see who applied."),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("objection period (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    max_consortium_members = models.PositiveSmallIntegerField(
        _("consortium members at most"),
        default=default_max_consortium_members,
        validators=[MaxValueValidator(20)],
        help_text=_("Organisations an application may name besides its lead."),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChallengeStatus.choices,
        default=ChallengeStatus.DRAFT,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(
        _("status changed at"), default=timezone.now
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    awarded_application = models.ForeignKey(
        "market.ChallengeApplication",
        verbose_name=_("winning application"),
        null=True,
        blank=True,
        # The winner cannot be deleted on its own; with its challenge it goes too.
        on_delete=models.RESTRICT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    announcement = models.TextField(_("announcement"), blank=True)
    objection_period_ends_at = models.DateTimeField(
        _("objection period ends at"), null=True, blank=True
    )
    end_reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why the challenge was withdrawn, failed or terminated."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bounty_wan__gt=0),
                name="challenge_bounty_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_months__gte=1),
                name="challenge_duration_positive",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "application_deadline"], name="challenge_deadline"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_CHALLENGE_STATUSES

    @property
    def owner_hidden(self) -> bool:
        return self.confidentiality == Confidentiality.ANONYMOUS

    def accepts_applications(self, now: dt.datetime | None = None) -> bool:
        """Published and before its deadline: applications may be created and edited."""
        return (
            self.status == ChallengeStatus.PUBLISHED
            and (now or timezone.now()) < self.application_deadline
        )

    def objection_period_running(self, now: dt.datetime | None = None) -> bool:
        return (
            self.objection_period_ends_at is not None
            and (now or timezone.now()) < self.objection_period_ends_at
        )


class IndicatorDirection(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")
    EXACTLY = "exactly", _("exactly")


class ChallengeIndicator(models.Model):
    """A measurable indicator (指标) the solution must reach."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("target is"),
        max_length=10,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.AT_LEAST,
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=18, decimal_places=6
    )
    measurement = models.TextField(
        _("how it is measured"),
        help_text=_("The test method or standard, and who measures."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        value = f"{self.target_value.normalize():f}"
        return f"{self.name} {self.get_direction_display()} {value} {self.unit}".strip()

    def is_met_by(self, value: Decimal | None) -> bool | None:
        """Whether a measured ``value`` reaches the target in the indicator's
        direction; None when nothing was measured."""
        if value is None:
            return None
        if self.direction == IndicatorDirection.AT_MOST:
            return value <= self.target_value
        if self.direction == IndicatorDirection.EXACTLY:
            return value == self.target_value
        return value >= self.target_value


class ReviewCriterion(models.Model):
    """A criterion the experts score applications against, with its weight (%)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="review_criteria"
    )
    name = models.CharField(_("criterion"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="review_criterion_weight_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class ChallengeAttachment(models.Model):
    """A PDF that belongs to a challenge (specification, test standard)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return str(self.document)


class ChallengeTransition(models.Model):
    """One step of a challenge's life cycle: who, when, from, to, and why."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ChallengeStatus.choices
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=ChallengeStatus.choices
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("challenge transition")
        verbose_name_plural = _("challenge transitions")
        # The order the steps were recorded in (tests and imports may pass times).
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.from_status} → {self.to_status}"


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class ChallengeObjection(models.Model):
    """An objection (异议) raised during an award's public announcement."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised at"))
    outcome = models.CharField(
        _("decision"),
        max_length=20,
        choices=ObjectionOutcome.choices,
        default=ObjectionOutcome.PENDING,
    )
    resolution_note = models.TextField(_("decision note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"{self.challenge_id} · {self.get_outcome_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.outcome != ObjectionOutcome.PENDING
