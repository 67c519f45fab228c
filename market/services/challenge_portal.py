"""What the portal's challenge and application forms save in one go: the record, its
rows and its files, all or nothing.

The portal's forms hand over a draft together with uploads; saving the draft and
then failing on a file must not leave half a change behind, so each function here
runs the existing services (``save_challenge``, ``add_challenge_attachment``,
``create_application`` …) inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from market.models import Challenge, ChallengeApplication, ChallengeAttachment
from market.services.applications import (
    ApplicationData,
    attach_proposal_document,
    create_application,
    update_application,
)
from market.services.challenges import (
    EDITABLE_STATUSES,
    ChallengeError,
    CriterionData,
    IndicatorData,
    add_challenge_attachment,
    save_challenge,
)

MAX_CHALLENGE_ATTACHMENTS = 10


@transaction.atomic
def save_challenge_draft(
    challenge: Challenge,
    *,
    by_user_id: int,
    indicators: Sequence[IndicatorData],
    criteria: Sequence[CriterionData],
    uploads: Sequence[Any] = (),
    remove_attachment_ids: Sequence[int] = (),
) -> Challenge:
    """Save a draft challenge with its indicators, criteria and PDFs; a refusal
    (``ChallengeError``) leaves everything as it was."""
    saved = save_challenge(
        challenge, by_user_id=by_user_id, indicators=indicators, criteria=criteria
    )
    if remove_attachment_ids:
        ChallengeAttachment.objects.filter(
            challenge=saved, pk__in=list(remove_attachment_ids)
        ).delete()
    if saved.attachments.count() + len(uploads) > MAX_CHALLENGE_ATTACHMENTS:
        message = _("A challenge holds at most %(max)s attachments.") % {
            "max": MAX_CHALLENGE_ATTACHMENTS
        }
        raise ChallengeError(
            message, code="too_many", errors={"attachment_uploads": [str(message)]}
        )
    for upload in uploads:
        add_challenge_attachment(saved.pk, upload, by_user_id=by_user_id)
    return saved


def challenge_is_editable(challenge: Challenge) -> bool:
    """Drafts and rejected challenges can be changed by their issuer."""
    return challenge.status in EDITABLE_STATUSES


@transaction.atomic
def save_application(
    *,
    challenge_id: int,
    application_id: int | None,
    lead_organisation_id: int | None,
    by_user_id: int,
    data: ApplicationData,
    proposal_upload: Any = None,
    now: dt.datetime | None = None,
) -> ChallengeApplication:
    """Create (``application_id`` None) or change an application with its proposal
    PDF; a refusal (``ApplicationError``) leaves everything as it was."""
    if application_id is None:
        assert lead_organisation_id is not None
        application = create_application(
            challenge_id,
            lead_organisation_id=lead_organisation_id,
            by_user_id=by_user_id,
            data=data,
            now=now,
        )
    else:
        application = update_application(
            application_id, by_user_id=by_user_id, data=data, now=now
        )
    if proposal_upload is not None:
        application = attach_proposal_document(
            application.pk, proposal_upload, by_user_id=by_user_id, now=now
        )
    return application
