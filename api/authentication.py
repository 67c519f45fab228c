"""Who is calling: a token (``Authorization: Bearer tm_…``) or the site's session.

A revoked or unknown token is refused with 401 even on public endpoints: a script
should learn at once that its key no longer works. Session authentication (for the
interactive docs) keeps DRF's CSRF check on unsafe methods.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.services import user_for_key

KEYWORDS = ("bearer", "token")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <key>`` (or ``Token <key>``) with one of our keys."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the key after “Bearer ” in the Authorization header.")
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        found = user_for_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is unknown or has been revoked.")
            )
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
