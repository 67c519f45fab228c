"""Notifications: what the platform tells a user, shown in the site and emailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    LISTING_SUBMITTED = "listing_submitted", _("Listing awaiting review")
    LISTING_PUBLISHED = "listing_published", _("Listing published")
    LISTING_REJECTED = "listing_rejected", _("Listing rejected")
    LISTING_ARCHIVED = "listing_archived", _("Listing archived")
    LISTING_EXPIRED = "listing_expired", _("Listing expired")
    LISTING_RENEWAL = "listing_renewal", _("Listing due for renewal")
    INTEREST_RECEIVED = "interest_received", _("Interest request received")
    INTEREST_ANSWERED = "interest_answered", _("Interest request answered")
    INTEREST_DECLINED = "interest_declined", _("Interest request declined")
    ACCESS_REQUESTED = "access_requested", _("Protected details requested")
    ACCESS_GRANTED = "access_granted", _("Protected details granted")
    ACCESS_DECLINED = "access_declined", _("Protected details declined")
    CONVERSATION_STARTED = "conversation_started", _("Conversation started")
    CONVERSATION_MESSAGE = "conversation_message", _("New message in a conversation")
    MEMBERSHIP_REQUESTED = "membership_requested", _("Membership requested")
    MEMBERSHIP_APPROVED = "membership_approved", _("Membership approved")
    MEMBERSHIP_DECLINED = "membership_declined", _("Membership declined")
    MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
    CHALLENGE_SUBMITTED = "challenge_submitted", _("Challenge awaiting review")
    CHALLENGE_PUBLISHED = "challenge_published", _("Challenge published")
    CHALLENGE_REJECTED = "challenge_rejected", _("Challenge rejected")
    CHALLENGE_CLOSED = "challenge_closed", _("Challenge closed for applications")
    CHALLENGE_AWARDED = "challenge_awarded", _("Challenge awarded")
    CHALLENGE_WON = "challenge_won", _("Your application won a challenge")
    CHALLENGE_RESULT = "challenge_result", _("Result of a challenge you applied to")
    CHALLENGE_AWARD_REVOKED = "challenge_award_revoked", _("Award revoked")
    CHALLENGE_FAILED = "challenge_failed", _("Challenge ended without a winner")
    CHALLENGE_WITHDRAWN = "challenge_withdrawn", _("Challenge withdrawn")
    CHALLENGE_TERMINATED = "challenge_terminated", _("Challenge terminated")
    CHALLENGE_ACCEPTED = "challenge_accepted", _("Challenge work accepted")
    CHALLENGE_PAID_OUT = "challenge_paid_out", _("Challenge bounty paid out")
    OBJECTION_RAISED = "objection_raised", _("Objection to an award")
    OBJECTION_DECIDED = "objection_decided", _("Objection decided")
    APPLICATION_DEADLINE = "application_deadline", _("Application deadline soon")
    SCORING_REMINDER = "scoring_reminder", _("Applications waiting for your scores")
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_ACCEPTED = "milestone_accepted", _("Milestone accepted")
    PAYOUT_RECORDED = "payout_recorded", _("Bounty payment recorded")
    SOLVER_INVITED = "solver_invited", _("Invitation to apply to a challenge")
    SAVED_SEARCH_MATCH = "saved_search_match", _("New listing for a saved search")
    DEAL_STAGE = "deal_stage", _("Deal stage changed")
    DEAL_OFFER = "deal_offer", _("Offer on a deal")
    DEAL_PAYMENT = "deal_payment", _("Payment recorded on a deal")
    DEAL_FOLLOW_UP = "deal_follow_up", _("Deal follow-up due")


class EmailChannel(models.TextChoices):
    """How a notification reaches the mailbox."""

    NOW = "now", _("Email at once")
    DIGEST = "digest", _("Email in the daily digest")
    NONE = "none", _("No email")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_user(self, user_id: int) -> NotificationQuerySet:
        """The user's notifications shown in the site (not the email-only ones)."""
        return self.filter(recipient_id=user_id, in_site=True)


class Notification(models.Model):
    """One message to one user; ``emailed_at`` makes the email task safe to rerun.

    ``in_site`` false: kept only to be emailed (the user turned the site off for its
    kind); ``email_channel`` is what the user's preferences said when it was raised.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # No choices: kinds live in accounts.notification_kinds, where other apps add theirs.
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    in_site = models.BooleanField(_("shown in the site"), default=True)
    email_channel = models.CharField(
        _("email"),
        max_length=10,
        choices=EmailChannel.choices,
        default=EmailChannel.NOW,
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["recipient", "-created_at"], name="notification_recent"
            ),
            models.Index(
                fields=["email_channel", "emailed_at"],
                name="notification_digest",
                condition=models.Q(email_channel="digest", emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"

    @property
    def kind_label(self) -> str:
        from accounts.notification_kinds import label_of

        return str(label_of(self.kind))


class NotificationPreference(models.Model):
    """A user's choice of channels for one kind (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40)
    in_site = models.BooleanField(_("shown in the site"), default=True)
    email_channel = models.CharField(
        _("email"),
        max_length=10,
        choices=EmailChannel.choices,
        default=EmailChannel.NOW,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}"
