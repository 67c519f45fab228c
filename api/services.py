"""Creating, revoking and checking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

KEY_PREFIX = "tm_"
# A user's active tokens at most (one per script or integration is plenty).
MAX_ACTIVE_TOKENS = 20
NAME_MAX_LENGTH = 60
# ``last_used_at`` is written at most this often: not one write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(Exception):
    """A token request the service refuses; ``message`` is shown to the user."""

    def __init__(self, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def hash_key(key: str) -> str:
    """The stored form of a key (the key has 256 random bits: a fast hash suffices)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(user_id: int, *, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user_id`` and its key, which is never stored nor shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_("Give the token a name."), code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(
            _("Keep the name under %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            code="name_too_long",
        )
    user = get_user_model().objects.select_for_update().get(pk=user_id)
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("You have %(max)s active tokens; revoke one first.")
            % {"max": MAX_ACTIVE_TOKENS},
            code="too_many",
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), prefix=key[:10]
    )
    return token, key


@transaction.atomic
def revoke_token(token_id: int, *, user_id: int) -> ApiToken:
    """Revoke one of the user's tokens (revoking twice changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user_id=user_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_key(key: str) -> tuple[Any, ApiToken] | None:
    """The active user and token a key belongs to, or None (unknown, revoked, or the
    account is inactive). Notes the use."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
