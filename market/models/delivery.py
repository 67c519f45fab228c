"""The delivery of an awarded challenge: milestones agreed at award, their acceptance
with a measured value per indicator and evidence, the final acceptance (验收) and the
payouts (兑现) of the bounty.

Measurements and evidence belong to one act of acceptance: a milestone's, or the
final acceptance of the challenge (``milestone`` is None). What the public sees of
all this is the achieved value per indicator (``market.selectors``); the evidence
files stay with the issuer, the winning team and the moderators.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from market.models.challenge import Challenge, ChallengeIndicator


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")


class DeliveryMilestone(models.Model):
    """A milestone of the work as agreed at award: what is due when, and which
    indicators it must show."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="delivery_milestones",
    )
    title = models.CharField(_("milestone"), max_length=120)
    deliverable = models.TextField(_("deliverable"))
    due_on = models.DateField(_("due on"))
    indicators = models.ManyToManyField(
        ChallengeIndicator,
        verbose_name=_("indicators it must show"),
        blank=True,
        related_name="delivery_milestones",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PENDING,
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("acceptance note"), blank=True)

    class Meta:
        verbose_name = _("delivery milestone")
        verbose_name_plural = _("delivery milestones")
        ordering = ["sort_order", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%Y-%m-%d})"

    @property
    def is_accepted(self) -> bool:
        return self.status == MilestoneStatus.ACCEPTED


class IndicatorMeasurement(models.Model):
    """The value measured for one indicator at a milestone's acceptance or at the
    final acceptance (``milestone`` None)."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    milestone = models.ForeignKey(
        DeliveryMilestone,
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measurements",
        help_text=_("Empty: measured at the final acceptance."),
    )
    indicator = models.ForeignKey(
        ChallengeIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_value = models.DecimalField(
        _("measured value"), max_digits=18, decimal_places=6
    )
    evidence_note = models.TextField(_("evidence"), blank=True)
    measured_on = models.DateField(_("measured on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("indicator measurement")
        verbose_name_plural = _("indicator measurements")
        ordering = ["indicator__sort_order", "indicator_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "indicator"],
                condition=models.Q(milestone__isnull=False),
                name="measurement_once_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["challenge", "indicator"],
                condition=models.Q(milestone__isnull=True),
                name="measurement_once_at_final_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.measured_value.normalize():f}"


class DeliveryEvidence(models.Model):
    """A PDF that backs an acceptance (test report, acceptance minutes); never public."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="delivery_evidence",
    )
    milestone = models.ForeignKey(
        DeliveryMilestone,
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
        help_text=_("Empty: evidence of the final acceptance."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return str(self.document)


class Payout(models.Model):
    """A payment of (part of) the bounty to the winning team (兑现)."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="payouts",
    )
    amount_wan = models.DecimalField(
        _("amount (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    paid_on = models.DateField(_("paid on"))
    milestone = models.ForeignKey(
        DeliveryMilestone,
        verbose_name=_("for milestone"),
        null=True,
        blank=True,
        # Not removed while a payout refers to it; with its challenge it goes too.
        on_delete=models.RESTRICT,
        related_name="payouts",
    )
    reference = models.CharField(
        _("payment reference"),
        max_length=120,
        blank=True,
        help_text=_("The bank transfer or voucher number."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_wan__gt=0), name="payout_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount_wan} · {self.paid_on:%Y-%m-%d}"


class DeliveryAction(models.TextChoices):
    MILESTONES_AGREED = "milestones_agreed", _("Milestones agreed at the start")
    MILESTONES_CHANGED = "milestones_changed", _("Milestones changed")
    MILESTONE_ACCEPTED = "milestone_accepted", _("Milestone accepted")
    FINAL_ACCEPTANCE = "final_acceptance", _("Final acceptance recorded")
    PAYOUT_RECORDED = "payout_recorded", _("Payout recorded")


class DeliveryLogEntry(models.Model):
    """Who recorded what in a challenge's delivery, and when (status changes stay in
    ``ChallengeTransition``)."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="delivery_log",
    )
    action = models.CharField(
        _("action"), max_length=30, choices=DeliveryAction.choices
    )
    summary = models.TextField(_("what"), blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("delivery record")
        verbose_name_plural = _("delivery records")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.action}"
