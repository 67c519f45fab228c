"""Sign-up, email verification and re-sending the verification link."""

from __future__ import annotations

import logging

from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction

from accounts.models import Membership, MembershipRole, User
from accounts.roles import SELF_SERVICE_ROLES
from accounts.selectors import email_is_registered
from accounts.services.roles import grant_role
from accounts.tasks import send_verification_email
from accounts.tokens import (
    VerificationTokenError,
    VerificationTokenUsed,
    read_verification_token,
)
from market.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """Sign-up cannot go ahead; ``field`` names the form field to blame."""

    field: str | None = None


class EmailAlreadyRegistered(RegistrationError):
    """Another account already uses this email address."""

    field = "email"


class OrganisationNameTaken(RegistrationError):
    """A new organisation was asked for under a name that already exists."""

    field = "new_organisation_name"


def normalise_email(email: str) -> str:
    """The form in which addresses are stored and compared: trimmed, lower case."""
    return email.strip().lower()


def register_user(
    *,
    email: str,
    display_name: str,
    password: str,
    role: str,
    organisation_id: int | None = None,
    new_organisation_name: str | None = None,
    new_organisation_kind: str | None = None,
) -> User:
    """Create an unverified user with a self-service role and email the link.

    With ``organisation_id`` the user joins that organisation as a member; with
    ``new_organisation_name`` (and kind) an unverified organisation is created and
    the user becomes its administrator.
    """
    email = normalise_email(email)
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"{role!r} is not a role one can sign up for")
    if organisation_id is not None and new_organisation_name:
        raise ValueError("choose an existing organisation or name a new one, not both")
    new_organisation_name = (new_organisation_name or "").strip()
    new_kind: OrganisationKind | None = None
    if new_organisation_name:
        try:
            new_kind = OrganisationKind(new_organisation_kind or "")
        except ValueError:
            raise ValueError(
                f"{new_organisation_kind!r} is not an organisation kind"
            ) from None

    user = User(
        username=email,
        email=email,
        display_name=display_name.strip(),
        email_verified=False,
    )
    # Forms validate too; this keeps every other caller to the same rules.
    password_validation.validate_password(password, user)
    user.set_password(password)

    with transaction.atomic():
        if email_is_registered(email):
            raise EmailAlreadyRegistered(email)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # a concurrent sign-up won the race
            raise EmailAlreadyRegistered(email) from exc
        grant_role(user, role)

        if organisation_id is not None:
            organisation = Organisation.objects.get(pk=organisation_id)
            Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                defaults={"role": MembershipRole.MEMBER},
            )
        elif new_organisation_name and new_kind is not None:
            if Organisation.objects.filter(name__iexact=new_organisation_name).exists():
                raise OrganisationNameTaken(new_organisation_name)
            try:
                with transaction.atomic():
                    organisation = Organisation.objects.create(
                        name=new_organisation_name,
                        kind=new_kind,
                        is_verified=False,
                    )
            except IntegrityError as exc:
                raise OrganisationNameTaken(new_organisation_name) from exc
            Membership.objects.create(
                user=user, organisation=organisation, role=MembershipRole.ADMIN
            )

        user_id = user.pk
        send_verification_email.delay_on_commit(user_id)
    logger.info("user %s signed up as %s", user.pk, role)
    return user


def verify_email(token: str) -> User:
    """Mark the address a verification token names as verified; return its user.

    Raises a VerificationTokenError subclass when the link is bad, expired, or has
    been used already (the address is verified, or has changed since).
    """
    claim = read_verification_token(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=claim.user_id).first()
        if user is None or not user.is_active:
            raise VerificationTokenError
        if user.email_verified or user.email != claim.email:
            raise VerificationTokenUsed
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    logger.info("user %s verified their email", user.pk)
    return user


def resend_verification(email: str) -> None:
    """Send a fresh verification link if an unverified account has ``email``.

    Says nothing either way, so the form cannot tell who has an account.
    """
    user = (
        User.objects.filter(
            email__iexact=normalise_email(email), email_verified=False, is_active=True
        )
        .only("pk")
        .first()
    )
    if user is None:
        return
    user_id = user.pk
    send_verification_email.delay_on_commit(user_id)


def mark_email_verified(user_id: int) -> None:
    """Record that ``user_id`` proved they read their mail (e.g. a reset link)."""
    with transaction.atomic():
        User.objects.filter(pk=user_id, email_verified=False).update(
            email_verified=True
        )
