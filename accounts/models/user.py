"""The custom user: logs in by email, verifies it, and holds roles as groups."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class TechMatchUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Log-in, password reset and createsuperuser all accept the email address.
        return self.get(
            models.Q(username__iexact=username) | models.Q(email__iexact=username)
        )


class User(AbstractUser):
    """A person using the market; email is unique and must be verified to log in."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email_verified = models.BooleanField(_("email verified"), default=False)
    # The notification preference: conversation messages always reach the in-site
    # inbox; by email only while this is on.
    email_conversation_messages = models.BooleanField(
        _("email me every message of my conversations"), default=True
    )

    objects: ClassVar[TechMatchUserManager] = TechMatchUserManager()  # type: ignore[assignment]

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.email or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def role_names(self) -> set[str]:
        """The platform roles this user holds (group names that are roles)."""
        valid = set(Role.values)
        return {g.name for g in self.groups.all() if g.name in valid}

    def has_role(self, role: str) -> bool:
        return role in self.role_names
