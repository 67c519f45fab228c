"""Changes a user makes to their own profile."""

from __future__ import annotations

from django.db import transaction

from accounts.models import EmailChannel, NotificationPreference, User


def update_profile(
    user_id: int,
    *,
    display_name: str,
    phone: str,
    email_conversation_messages: bool | None = None,
) -> User:
    """Save ``user_id``'s display name, phone number and notification preference."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.display_name = display_name.strip()
        user.phone = phone.strip()
        fields = ["display_name", "phone"]
        if email_conversation_messages is not None:
            user.email_conversation_messages = email_conversation_messages
            fields.append("email_conversation_messages")
            # A choice made on the preferences page follows the profile's switch.
            rows = NotificationPreference.objects.filter(
                user_id=user_id, kind="conversation_message"
            )
            if email_conversation_messages:
                rows.filter(email_channel=EmailChannel.NONE).update(
                    email_channel=EmailChannel.NOW
                )
            else:
                rows.update(email_channel=EmailChannel.NONE)
        user.save(update_fields=fields)
    return user
