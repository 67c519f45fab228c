"""The review of a challenge's applications: the moderator's formal check, the expert
panel (assignments and conflict-of-interest declarations) and the experts' score
sheets, each revision kept.

The scale: every criterion is scored from 0 to 100; a sheet's total is the sum of
the scores weighted by the criteria's weights (which add up to 100), so it is on the
same 0–100 scale. How sheets are combined per application is ``market.scoring``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from market.models.application import ChallengeApplication
from market.models.challenge import Challenge, ReviewCriterion

SCORE_MIN = Decimal("0")
SCORE_MAX = Decimal("100")
_score = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


class FormalCheckOutcome(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    INCOMPLETE = "incomplete", _("Incomplete")


class FormalCheck(models.Model):
    """A moderator's formal check (形式审查) of one submitted application."""

    application = models.OneToOneField(
        ChallengeApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="formal_check",
    )
    outcome = models.CharField(
        _("formal check"), max_length=20, choices=FormalCheckOutcome.choices
    )
    reasons = models.TextField(
        _("reasons"), blank=True, help_text=_("What is missing or wrong.")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="incomplete", reasons=""),
                name="formal_check_incomplete_has_reasons",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_outcome_display()}"

    @property
    def is_complete(self) -> bool:
        return self.outcome == FormalCheckOutcome.COMPLETE


class ReviewPanel(models.Model):
    """A challenge's expert panel: open while the experts score, then closed."""

    challenge = models.OneToOneField(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="review_panel",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")
        permissions = [
            # Granted to the expert role (accounts.roles): who may be put on a panel.
            ("serve_on_panel", _("Can serve on an expert panel")),
        ]

    def __str__(self) -> str:
        return str(self.challenge)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ExpertAssignment(models.Model):
    """An expert on a challenge's panel and their conflict-of-interest declaration."""

    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    declared_at = models.DateTimeField(
        _("declared no conflict of interest at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "expert"], name="expert_assigned_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.challenge}"

    @property
    def has_declared(self) -> bool:
        return self.declared_at is not None


class ScoreSheet(models.Model):
    """One expert's scores for one application (revisable until the panel closes)."""

    application = models.ForeignKey(
        ChallengeApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="score_sheets",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="score_sheets",
    )
    total = models.DecimalField(
        _("weighted total"), max_digits=6, decimal_places=2, validators=_score
    )
    comment = models.TextField(_("comment"), blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("scored at"))
    updated_at = models.DateTimeField(_("last revised at"))

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["application", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="score_sheet_once"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0, total__lte=100),
                name="score_sheet_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.expert_id}: {self.total}"


class CriterionScore(models.Model):
    """The current score of one criterion on a sheet."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ReviewCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=_score
    )

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion__sort_order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="criterion_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100),
                name="criterion_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class ScoreSheetRevision(models.Model):
    """Every version of a sheet as it was saved, the first one included."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="revisions"
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    # criterion id (as text) → score (as text): the sheet as it stood.
    scores = models.JSONField(_("scores"))
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("score sheet revision")
        verbose_name_plural = _("score sheet revisions")
        ordering = ["sheet", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "revision"], name="score_sheet_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} r{self.revision}: {self.total}"
