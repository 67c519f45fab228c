"""Saving a user's notification preferences (channels per kind)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from accounts.models import EmailChannel, NotificationPreference, User
from accounts.notification_kinds import KINDS, get_kind

CONVERSATION_MESSAGE = "conversation_message"


def current_preferences(user: User) -> dict[str, tuple[bool, str]]:
    """(in the site?, email channel) of every registered kind for ``user``."""
    chosen = {
        kind: (in_site, channel)
        for kind, in_site, channel in NotificationPreference.objects.filter(
            user_id=user.pk
        ).values_list("kind", "in_site", "email_channel")
    }
    result: dict[str, tuple[bool, str]] = {}
    for key, kind in KINDS.items():
        default = (kind.in_site, kind.email)
        if key == CONVERSATION_MESSAGE and not user.email_conversation_messages:
            default = (kind.in_site, EmailChannel.NONE.value)
        result[key] = default if kind.fixed else chosen.get(key, default)
    return result


def save_preferences(user_id: int, choices: Mapping[str, tuple[bool, str]]) -> int:
    """Store ``user_id``'s channels for the kinds in ``choices``; how many differ from
    the defaults. Fixed and unknown kinds are ignored; a choice equal to the default
    keeps no row, so a later change of a default reaches the user."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        kept = 0
        for key, (in_site, channel) in choices.items():
            kind = KINDS.get(key)
            if kind is None or kind.fixed or channel not in EmailChannel.values:
                continue
            if key == CONVERSATION_MESSAGE:
                # The older on/off flag follows, so the profile shows the same.
                wanted = channel != EmailChannel.NONE
                if user.email_conversation_messages != wanted:
                    user.email_conversation_messages = wanted
                    user.save(update_fields=["email_conversation_messages"])
            if (in_site, channel) == (get_kind(key).in_site, get_kind(key).email):
                NotificationPreference.objects.filter(
                    user_id=user_id, kind=key
                ).delete()
                continue
            NotificationPreference.objects.update_or_create(
                user_id=user_id,
                kind=key,
                defaults={"in_site": in_site, "email_channel": channel},
            )
            kept += 1
    return kept
