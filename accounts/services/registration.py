"""Sign-up, email verification and re-sending the verification link."""

from __future__ import annotations

import logging

from django.contrib.auth import password_validation
from django.core.cache import cache
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import SELF_SERVICE_ROLES
from accounts.selectors import email_is_registered
from accounts.services.membership import (
    announce_membership_requests,
    request_membership,
)
from accounts.services.roles import grant_role
from accounts.tasks import send_signup_attempt_email, send_verification_email
from accounts.tokens import (
    VerificationTokenError,
    VerificationTokenUsed,
    read_verification_token,
)
from market.models import Organisation, OrganisationKind
from market.validators import validate_uscc

logger = logging.getLogger(__name__)

# Seconds between two "someone tried to sign up with your address" emails to one account.
SIGNUP_ATTEMPT_EMAIL_INTERVAL = 3600


class RegistrationError(Exception):
    """Sign-up cannot go ahead; ``field`` names the form field to blame."""

    field: str | None = None


class EmailAlreadyRegistered(RegistrationError):
    """Another account already uses this email address."""

    field = "email"


class OrganisationNameTaken(RegistrationError):
    """A new organisation was asked for under a name that already exists."""

    field = "new_organisation_name"


class CreditCodeTaken(RegistrationError):
    """A new organisation was asked for with a credit code already listed."""

    field = "new_organisation_credit_code"


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
    new_organisation_credit_code: str | None = None,
    membership_message: str = "",
) -> User:
    """Create an unverified user with a self-service role and email the link.

    The user becomes a member of no organisation. With ``organisation_id`` they ask to
    join it: its administrators or a moderator decide once the address is verified.
    With ``new_organisation_name`` (kind and unified social credit code) an unverified
    organisation is created and they become its administrator when a moderator
    verifies it. Raises EmailAlreadyRegistered when the address has an account.
    """
    email = normalise_email(email)
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"{role!r} is not a role one can sign up for")
    if organisation_id is not None and new_organisation_name:
        raise ValueError("choose an existing organisation or name a new one, not both")
    new_organisation_name = (new_organisation_name or "").strip()
    credit_code = normalise_credit_code(new_organisation_credit_code or "")
    new_kind: OrganisationKind | None = None
    if new_organisation_name:
        try:
            new_kind = OrganisationKind(new_organisation_kind or "")
        except ValueError:
            raise ValueError(
                f"{new_organisation_kind!r} is not an organisation kind"
            ) from None
        validate_uscc(credit_code)  # a ValidationError, like the password's

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
            request_membership(user.pk, organisation_id, message=membership_message)
        elif new_organisation_name and new_kind is not None:
            organisation = _create_organisation(
                new_organisation_name, new_kind, credit_code
            )
            request_membership(
                user.pk, organisation.pk, message=membership_message, founder=True
            )

        user_id = user.pk
        send_verification_email.delay_on_commit(user_id)
    logger.info("user %s signed up as %s", user.pk, role)
    return user


def normalise_credit_code(code: str) -> str:
    """Credit codes are stored without spaces, in capitals."""
    return "".join(code.split()).upper()


def _create_organisation(
    name: str, kind: OrganisationKind, credit_code: str
) -> Organisation:
    if Organisation.objects.filter(name__iexact=name).exists():
        raise OrganisationNameTaken(name)
    if Organisation.objects.filter(credit_code=credit_code).exists():
        raise CreditCodeTaken(credit_code)
    try:
        with transaction.atomic():
            return Organisation.objects.create(
                name=name, kind=kind, credit_code=credit_code, is_verified=False
            )
    except IntegrityError as exc:  # a concurrent sign-up took the name or code
        if Organisation.objects.filter(credit_code=credit_code).exists():
            raise CreditCodeTaken(credit_code) from exc
        raise OrganisationNameTaken(name) from exc


def sign_up(
    *,
    email: str,
    display_name: str,
    password: str,
    role: str,
    organisation_id: int | None = None,
    new_organisation_name: str | None = None,
    new_organisation_kind: str | None = None,
    new_organisation_credit_code: str | None = None,
    membership_message: str = "",
) -> User | None:
    """The sign-up form's service: ``register_user``, silent about taken addresses.

    When the address already has an account nothing is created and its owner gets an
    email instead ("someone tried to sign up with your address"); the caller answers
    exactly as for a new account, so the form cannot tell who has one.
    """
    try:
        return register_user(
            email=email,
            display_name=display_name,
            password=password,
            role=role,
            organisation_id=organisation_id,
            new_organisation_name=new_organisation_name,
            new_organisation_kind=new_organisation_kind,
            new_organisation_credit_code=new_organisation_credit_code,
            membership_message=membership_message,
        )
    except EmailAlreadyRegistered:
        warn_account_owner(email)
        return None


def warn_account_owner(email: str) -> bool:
    """Email the owner of ``email`` that someone tried to sign up with it.

    At most one such email per account every SIGNUP_ATTEMPT_EMAIL_INTERVAL seconds,
    so repeated attempts cannot flood their inbox. Returns whether one is sent.
    """
    user = (
        User.objects.filter(email__iexact=normalise_email(email), is_active=True)
        .only("pk")
        .first()
    )
    if user is None:  # only a username matched, or the account is closed
        return False
    if not cache.add(
        f"accounts:signup-attempt:{user.pk}", 1, SIGNUP_ATTEMPT_EMAIL_INTERVAL
    ):
        return False
    user_id = user.pk
    transaction.on_commit(lambda: send_signup_attempt_email.delay(user_id))
    logger.info("sign-up attempted with the address of user %s", user.pk)
    return True


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
        # Requests to join wait for a verified address before anyone hears of them.
        announce_membership_requests(user.pk)
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
        changed = User.objects.filter(pk=user_id, email_verified=False).update(
            email_verified=True
        )
        if changed:
            announce_membership_requests(user_id)
