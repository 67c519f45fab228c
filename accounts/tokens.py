"""Signed, time-limited tokens for the links that verify an email address."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "accounts.email-verification"


class VerificationTokenError(Exception):
    """The token cannot verify anything; ``reason`` says why."""

    reason = "invalid"


class VerificationTokenExpired(VerificationTokenError):
    """The token was signed by us but is older than ACCOUNT_VERIFICATION_MAX_AGE."""

    reason = "expired"


class VerificationTokenUsed(VerificationTokenError):
    """The address the token names is verified already (or has changed since)."""

    reason = "used"


@dataclass(frozen=True)
class VerificationClaim:
    """What a valid token says: this user owns this address."""

    user_id: int
    email: str


def make_verification_token(*, user_id: int, email: str) -> str:
    """A URL-safe token that proves ownership of ``email`` for a limited time."""
    return signing.TimestampSigner(salt=_SALT).sign_object({"u": user_id, "e": email})


def read_verification_token(token: str) -> VerificationClaim:
    """Check signature and age of ``token``; raise a VerificationTokenError if bad."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        data = signer.unsign_object(
            token, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise VerificationTokenExpired from exc
    except (signing.BadSignature, ValueError) as exc:
        raise VerificationTokenError from exc
    if not (
        isinstance(data, dict)
        and isinstance(data.get("u"), int)
        and isinstance(data.get("e"), str)
    ):
        raise VerificationTokenError
    return VerificationClaim(user_id=data["u"], email=data["e"])
