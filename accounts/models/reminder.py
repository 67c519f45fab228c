"""Reminders already sent: one row per user, challenge and kind of reminder, so that the
periodic reminder tasks tell everyone once however often they run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChallengeReminderKind(models.TextChoices):
    DEADLINE_3_DAYS = "deadline_3d", _("Application deadline in 3 days")
    DEADLINE_1_DAY = "deadline_1d", _("Application deadline in 1 day")
    EXPERT_SCORING = "expert_scoring", _("Applications waiting for an expert's scores")
    # Milestone reminders are keyed by the milestone: MilestoneReminder below.


class ChallengeReminder(models.Model):
    """A reminder about a challenge that ``user`` has been sent (never sent twice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    challenge = models.ForeignKey(
        "market.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ChallengeReminderKind.choices
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("challenge reminder")
        verbose_name_plural = _("challenge reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "challenge", "kind"], name="challenge_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.challenge_id} · {self.kind}"


class MilestoneReminderKind(models.TextChoices):
    DUE_7_DAYS = "due_7d", _("Milestone due in 7 days")
    DUE_1_DAY = "due_1d", _("Milestone due in 1 day")


class MilestoneReminder(models.Model):
    """A reminder about a delivery milestone that ``user`` has been sent (once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    milestone = models.ForeignKey(
        "market.DeliveryMilestone",
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MilestoneReminderKind.choices
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("milestone reminder")
        verbose_name_plural = _("milestone reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "milestone", "kind"], name="milestone_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.milestone_id} · {self.kind}"
