"""Workflows on organisations."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from market.models import Organisation

logger = logging.getLogger(__name__)

VERIFY_ACTION = "market.verify_organisation"


def verify_organisation(
    organisation_id: int, *, verified_by_id: int | None
) -> Organisation:
    """Mark an organisation verified now; verifying it again changes nothing.

    ``verified_by_id`` is the moderator's user id; it goes into the admin history.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        if organisation.is_verified and organisation.verified_at is not None:
            return organisation
        organisation.is_verified = True
        organisation.verified_at = timezone.now()
        organisation.save(update_fields=["is_verified", "verified_at", "updated_at"])
        verifier = (
            get_user_model().objects.filter(pk=verified_by_id).first()
            if verified_by_id is not None
            else None
        )
        log(organisation, VERIFY_ACTION, user=verifier)
    logger.info("organisation %s verified by user %s", organisation.pk, verified_by_id)
    return organisation
