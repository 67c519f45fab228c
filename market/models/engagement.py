"""What visitors do with a published listing: ask about it, request its protected details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models.listing import Listing


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def granted(self) -> AccessRequestQuerySet:
        return self.filter(status=AccessRequestStatus.GRANTED)


class AccessRequest(models.Model):
    """A logged-in user's request to read a listing's protected details."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("why you need the details"), blank=True)
    accepted_note_at = models.DateTimeField(_("confidentiality note accepted at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("protected details request")
        verbose_name_plural = _("protected details requests")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "requester"], name="access_request_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.listing}"


class AccessReason(models.TextChoices):
    OWNER = "owner", _("Owner organisation")
    MODERATOR = "moderator", _("Moderator")
    AGENT = "agent", _("Transfer agent")
    GRANT = "grant", _("Granted request")


class DetailAccessLog(models.Model):
    """One reading of a listing's protected details; kept for the owner's audit."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AccessReason.choices)
    accessed_at = models.DateTimeField(
        _("accessed at"), auto_now_add=True, db_index=True
    )

    class Meta:
        verbose_name = _("protected details access")
        verbose_name_plural = _("protected details accesses")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.accessed_at:%Y-%m-%d %H:%M}"


class InterestKind(models.TextChoices):
    INTEREST = "interest", _("I'm interested")
    INFORMATION = "information", _("Request more information")


class InterestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")


class DeclineReason(models.TextChoices):
    NOT_AVAILABLE = "not_available", _("No longer available")
    NOT_A_FIT = "not_a_fit", _("Not a fit for our needs")
    INSUFFICIENT = "insufficient", _("Not enough information about the requester")
    IN_NEGOTIATION = "in_negotiation", _("Already in negotiation with another party")
    OTHER = "other", _("Other")


# The fixed questions every request answers; free text comes after them.
INTEREST_QUESTIONS: list[tuple[str, str | Promise]] = [
    ("purpose", _("What do you want to use the technology for?")),
    ("scale", _("At what scale (pilot, production volume)?")),
    ("timeline", _("When would you start?")),
    ("budget", _("What budget range do you have in mind (10k CNY)?")),
]


class InterestRequest(models.Model):
    """A structured "I'm interested" / "more information" message about a listing."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="interest_requests"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InterestKind.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterestStatus.choices,
        default=InterestStatus.OPEN,
    )
    reply = models.TextField(_("reply"), blank=True)
    decline_reason = models.CharField(
        _("reason for declining"),
        max_length=20,
        choices=DeclineReason.choices,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest request")
        verbose_name_plural = _("interest requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.listing}"
