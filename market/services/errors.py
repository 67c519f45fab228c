"""The refusal every market service raises: a message for the user, a code for
programs (the API maps codes to statuses), and per-field messages for forms."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ServiceError(Exception):
    """A request a service refuses, having changed nothing.

    ``message`` is shown to the user; ``code`` names the refusal ("invalid",
    "illegal_transition", "not_found" …); ``errors`` maps a form field to its message
    when the refusal concerns fields.
    """

    def __init__(
        self,
        message: str | Promise,
        code: str = "invalid",
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.errors = errors or {}
