"""Changes a user makes to their own profile."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User


def update_profile(user_id: int, *, display_name: str, phone: str) -> User:
    """Save ``user_id``'s display name and phone number."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.display_name = display_name.strip()
        user.phone = phone.strip()
        user.save(update_fields=["display_name", "phone"])
    return user
