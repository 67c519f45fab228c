"""Membership: which organisations a user acts for, and as what; and asking to join."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Organisation administrator")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)

    def admins(self) -> MembershipQuerySet:
        return self.filter(is_active=True, role=MembershipRole.ADMIN)


class Membership(models.Model):
    """A user's membership of an organisation.

    Only an approved membership request, a moderator or an administrator creates one;
    signing up never does (security issue 8).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "market.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    title = models.CharField(_("job title"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [
            (
                "manage_members",
                _(
                    "Can decide membership requests and manage any organisation's members"
                ),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class MembershipRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MembershipRequestQuerySet(models.QuerySet["MembershipRequest"]):
    def pending(self) -> MembershipRequestQuerySet:
        return self.filter(status=MembershipRequestStatus.PENDING)

    def decidable(self) -> MembershipRequestQuerySet:
        """Pending requests of active users who verified their email address."""
        return self.pending().filter(user__is_active=True, user__email_verified=True)


class MembershipRequest(models.Model):
    """A user asks to act for an organisation; its administrators or a moderator decide.

    ``founder`` marks the request of someone who registered a new organisation: it is
    approved (as organisation administrator) when a moderator verifies the organisation.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    organisation = models.ForeignKey(
        "market.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    founder = models.BooleanField(
        _("registered the organisation"),
        default=False,
        help_text=_(
            "Becomes the organisation's administrator once a moderator verifies it."
        ),
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="membership_request_one_pending",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status"], name="membership_request_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipRequestStatus.PENDING
