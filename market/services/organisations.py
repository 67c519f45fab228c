"""Workflows on organisations."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from market.models import Organisation
from market.signals import organisation_verified
from market.validators import validate_uscc

logger = logging.getLogger(__name__)

VERIFY_ACTION = "market.verify_organisation"


class OrganisationError(Exception):
    """A step the organisation's state refuses; ``message`` is shown to the user."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def verify_organisation(
    organisation_id: int, *, verified_by_id: int | None
) -> Organisation:
    """Mark an organisation verified now; verifying it again changes nothing.

    Only an organisation whose unified social credit code passes the GB 32100 check
    can be verified (OrganisationError otherwise); the moderator compares it with the
    registration. ``verified_by_id`` is the moderator's user id; it goes into the admin
    history, and receivers of ``organisation_verified`` (the founder's pending
    membership) run inside the same transaction.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
        if organisation.is_verified and organisation.verified_at is not None:
            return organisation
        if not organisation.credit_code.strip():
            raise OrganisationError(
                _(
                    "Record the organisation's unified social credit code before "
                    "verifying it."
                ),
                code="no_credit_code",
            )
        try:
            validate_uscc(organisation.credit_code)
        except ValidationError as error:
            raise OrganisationError(error.messages[0], code="bad_credit_code") from None
        organisation.is_verified = True
        organisation.verified_at = timezone.now()
        organisation.save(update_fields=["is_verified", "verified_at", "updated_at"])
        verifier = (
            get_user_model().objects.filter(pk=verified_by_id).first()
            if verified_by_id is not None
            else None
        )
        log(organisation, VERIFY_ACTION, user=verifier)
        organisation_verified.send(
            sender=Organisation,
            organisation_id=organisation.pk,
            by_user_id=verified_by_id,
        )
    logger.info("organisation %s verified by user %s", organisation.pk, verified_by_id)
    return organisation
