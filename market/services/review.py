"""The review of a closed challenge's applications: formal check, expert panel,
conflict-of-interest declarations, scoring, closing the panel and the decision.

Every refusal raises ``ReviewError`` (a ``ChallengeError``) with a message for the
user and changes nothing. Each service locks the challenge row first, so that a
score and the closing of the panel, or two decisions, never interleave.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.membership import active_organisation_ids
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    ConsortiumMember,
    CriterionScore,
    ExpertAssignment,
    FormalCheck,
    FormalCheckOutcome,
    ReviewPanel,
    ScoreSheet,
    ScoreSheetRevision,
)
from market.models.review import SCORE_MAX, SCORE_MIN
from market.scoring import weighted_total
from market.services.challenges import (
    ChallengeError,
    award_challenge,
    fail_challenge,
)

logger = logging.getLogger(__name__)

S = ChallengeStatus
# The formal check and the panel are set up once applications have closed.
REVIEW_SETUP_STATUSES = frozenset({S.CLOSED, S.UNDER_REVIEW})


class ReviewError(ChallengeError):
    """A review step the rules refuse; ``message`` is shown to the user."""


def _lock(challenge_id: int) -> Challenge:
    try:
        return Challenge.objects.select_for_update().get(pk=challenge_id)
    except Challenge.DoesNotExist:
        raise ReviewError(
            _("This challenge no longer exists."), code="not_found"
        ) from None


def _panel(challenge: Challenge) -> ReviewPanel:
    panel, _created = ReviewPanel.objects.get_or_create(challenge=challenge)
    return panel


def _require_open_panel(challenge: Challenge) -> ReviewPanel:
    panel = _panel(challenge)
    if panel.is_closed:
        raise ReviewError(
            _("The expert panel of this challenge is closed."), code="panel_closed"
        )
    return panel


def _require_setup_status(challenge: Challenge) -> None:
    if challenge.status not in REVIEW_SETUP_STATUSES:
        raise ReviewError(
            _(
                "A challenge that is “%(status)s” is not being reviewed; the review "
                "starts once applications have closed."
            )
            % {"status": challenge.get_status_display()},
            code="not_in_review",
        )


def applicant_organisation_ids(challenge_id: int) -> set[int]:
    """The lead and consortium organisations of the challenge's submitted applications."""
    submitted = ChallengeApplication.objects.filter(
        challenge_id=challenge_id, status=ApplicationStatus.SUBMITTED
    )
    leads = set(submitted.values_list("lead_organisation_id", flat=True))
    members = set(
        ConsortiumMember.objects.filter(application__in=submitted).values_list(
            "organisation_id", flat=True
        )
    )
    return leads | members


def has_conflict(expert_id: int, challenge: Challenge) -> bool:
    """Whether the expert belongs to the issuer or to an applicant organisation."""
    mine = active_organisation_ids(expert_id)
    if not mine:
        return False
    return challenge.issuer_id in mine or bool(
        mine & applicant_organisation_ids(challenge.pk)
    )


# -- Formal check ---------------------------------------------------------------------


@transaction.atomic
def check_application(
    application_id: int,
    *,
    by_user_id: int,
    complete: bool,
    reasons: str = "",
    now: dt.datetime | None = None,
) -> FormalCheck:
    """Record the formal check of a submitted application: complete, or incomplete
    with reasons. Only complete applications go to the experts; a check may be
    corrected while the panel is open."""
    challenge_id = (
        ChallengeApplication.objects.filter(pk=application_id)
        .values_list("challenge_id", flat=True)
        .first()
    )
    if challenge_id is None:
        raise ReviewError(_("This application no longer exists."), code="not_found")
    challenge = _lock(challenge_id)
    _require_setup_status(challenge)
    _require_open_panel(challenge)
    application = ChallengeApplication.objects.get(pk=application_id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ReviewError(
            _("Only submitted applications are checked."), code="not_submitted"
        )
    reasons = (reasons or "").strip()
    if not complete and not reasons:
        raise ReviewError(
            _("Say what is missing or wrong in the application."),
            code="reasons_required",
            errors={"reasons": [str(_("Say what is missing or wrong."))]},
        )
    check, _created = FormalCheck.objects.update_or_create(
        application=application,
        defaults={
            "outcome": (
                FormalCheckOutcome.COMPLETE
                if complete
                else FormalCheckOutcome.INCOMPLETE
            ),
            "reasons": "" if complete else reasons,
            "checked_by_id": by_user_id,
            "checked_at": now or timezone.now(),
        },
    )
    return check


# -- The panel ------------------------------------------------------------------------


@transaction.atomic
def assign_expert(
    challenge_id: int,
    *,
    expert_id: int,
    by_user_id: int,
    now: dt.datetime | None = None,
) -> ExpertAssignment:
    """Put a user with the expert role on the challenge's panel."""
    challenge = _lock(challenge_id)
    _require_setup_status(challenge)
    _require_open_panel(challenge)
    expert = get_user_model().objects.filter(pk=expert_id, is_active=True).first()
    if expert is None or not expert.has_perm("market.serve_on_panel"):
        raise ReviewError(
            _("Only users with the expert role can be put on a panel."),
            code="not_an_expert",
            errors={"expert": [str(_("Choose a user with the expert role."))]},
        )
    if ExpertAssignment.objects.filter(
        challenge=challenge, expert_id=expert_id
    ).exists():
        raise ReviewError(
            _("This expert is already on the panel."), code="already_assigned"
        )
    return ExpertAssignment.objects.create(
        challenge=challenge,
        expert_id=expert_id,
        assigned_by_id=by_user_id,
        assigned_at=now or timezone.now(),
    )


@transaction.atomic
def remove_expert(challenge_id: int, *, expert_id: int, by_user_id: int) -> None:
    """Take an expert off the panel (a conflict found late, an expert who does not
    answer) while the panel is open — refused once they have scored an application:
    their scores count, and the panel would lose them silently."""
    challenge = _lock(challenge_id)
    _require_setup_status(challenge)
    _require_open_panel(challenge)
    assignment = ExpertAssignment.objects.filter(
        challenge=challenge, expert_id=expert_id
    ).first()
    if assignment is None:
        raise ReviewError(_("This expert is not on the panel."), code="not_assigned")
    if ScoreSheet.objects.filter(
        expert_id=expert_id, application__challenge=challenge
    ).exists():
        raise ReviewError(
            _(
                "This expert has already scored applications of this challenge: "
                "their scores count, so they stay on the panel."
            ),
            code="has_scored",
        )
    assignment.delete()
    logger.info(
        "expert %s taken off the panel of challenge %s by user %s",
        expert_id,
        challenge.pk,
        by_user_id,
    )


@transaction.atomic
def declare_no_conflict(
    challenge_id: int, *, expert_id: int, now: dt.datetime | None = None
) -> ExpertAssignment:
    """The assigned expert declares no conflict of interest; refused when they belong
    to the issuer or to an organisation that applied (lead or consortium member)."""
    challenge = _lock(challenge_id)
    _require_open_panel(challenge)
    assignment = (
        ExpertAssignment.objects.select_for_update()
        .filter(challenge=challenge, expert_id=expert_id)
        .first()
    )
    if assignment is None:
        raise ReviewError(
            _("You are not on the panel of this challenge."), code="not_assigned"
        )
    if assignment.has_declared:
        return assignment
    if has_conflict(expert_id, challenge):
        raise ReviewError(
            _(
                "You belong to the issuer or to an organisation that applied to this "
                "challenge: you cannot review it. Tell the moderators so that they "
                "replace you."
            ),
            code="conflict_of_interest",
        )
    assignment.declared_at = now or timezone.now()
    assignment.save(update_fields=["declared_at"])
    return assignment


# -- Scoring --------------------------------------------------------------------------


def _parse_score(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not SCORE_MIN <= number <= SCORE_MAX:
        return None
    if number != number.quantize(Decimal("0.01")):
        return None
    return number


@transaction.atomic
def score_application(
    application_id: int,
    *,
    expert_id: int,
    scores: Mapping[int, Any],
    comment: str = "",
    now: dt.datetime | None = None,
) -> ScoreSheet:
    """Save the expert's score sheet for an application (a new revision when it
    exists): one score from 0 to 100 per criterion of the challenge, every revision
    kept. Refused for an unassigned, undeclared or conflicted expert, an application
    that did not pass the formal check, or a closed panel."""
    challenge_id = (
        ChallengeApplication.objects.filter(pk=application_id)
        .values_list("challenge_id", flat=True)
        .first()
    )
    if challenge_id is None:
        raise ReviewError(_("This application no longer exists."), code="not_found")
    challenge = _lock(challenge_id)
    if challenge.status != S.UNDER_REVIEW:
        raise ReviewError(
            _("Scores are given only while the challenge is under review."),
            code="not_in_review",
        )
    _require_open_panel(challenge)
    assignment = ExpertAssignment.objects.filter(
        challenge=challenge, expert_id=expert_id
    ).first()
    if assignment is None:
        raise ReviewError(
            _("You are not on the panel of this challenge."), code="not_assigned"
        )
    if not assignment.has_declared:
        raise ReviewError(
            _("Declare that you have no conflict of interest before scoring."),
            code="not_declared",
        )
    if has_conflict(expert_id, challenge):
        raise ReviewError(
            _(
                "You belong to the issuer or to an organisation that applied to this "
                "challenge: you cannot score its applications."
            ),
            code="conflict_of_interest",
        )
    if not FormalCheck.objects.filter(
        application_id=application_id, outcome=FormalCheckOutcome.COMPLETE
    ).exists():
        raise ReviewError(
            _("This application has not passed the formal check."),
            code="not_complete",
        )
    criteria = {c.pk: c for c in challenge.review_criteria.all()}
    if not criteria:
        raise ReviewError(
            _("This challenge has no review criteria."), code="no_criteria"
        )
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal] = {}
    for criterion_id, criterion in criteria.items():
        value = _parse_score(scores.get(criterion_id, ""))
        if value is None:
            errors[f"criterion_{criterion_id}"] = [
                str(
                    _("“%(criterion)s”: give a score from 0 to 100.")
                    % {"criterion": criterion.name}
                )
            ]
        else:
            parsed[criterion_id] = value
    unknown = set(scores) - set(criteria)
    if unknown:
        errors["__all__"] = [
            str(_("Some scores are for criteria of another challenge."))
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ReviewError(first, code="invalid_scores", errors=errors)
    now = now or timezone.now()
    total = weighted_total(parsed, {pk: c.weight for pk, c in criteria.items()})
    comment = (comment or "").strip()
    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(application_id=application_id, expert_id=expert_id)
        .first()
    )
    if sheet is None:
        sheet = ScoreSheet.objects.create(
            application_id=application_id,
            expert_id=expert_id,
            total=total,
            comment=comment,
            revision=1,
            created_at=now,
            updated_at=now,
        )
    else:
        sheet.total = total
        sheet.comment = comment
        sheet.revision += 1
        sheet.updated_at = now
        sheet.save()
        sheet.scores.all().delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(sheet=sheet, criterion_id=pk, score=value)
        for pk, value in parsed.items()
    )
    ScoreSheetRevision.objects.create(
        sheet=sheet,
        revision=sheet.revision,
        scores={str(pk): str(value) for pk, value in parsed.items()},
        total=total,
        comment=comment,
        saved_at=now,
    )
    return sheet


# -- Closing and the decision ---------------------------------------------------------


@transaction.atomic
def close_panel(
    challenge_id: int, *, by_user_id: int, now: dt.datetime | None = None
) -> ReviewPanel:
    """A moderator closes the panel: the scores are final and the issuer decides."""
    challenge = _lock(challenge_id)
    if challenge.status != S.UNDER_REVIEW:
        raise ReviewError(
            _("Only the panel of a challenge under review can be closed."),
            code="not_in_review",
        )
    panel = _require_open_panel(challenge)
    if not ScoreSheet.objects.filter(application__challenge=challenge).exists():
        raise ReviewError(
            _("No expert has scored yet; the panel cannot close without scores."),
            code="no_scores",
        )
    panel.closed_at = now or timezone.now()
    panel.closed_by_id = by_user_id
    panel.save()
    return panel


def _require_closed_panel(challenge: Challenge) -> None:
    if challenge.status != S.UNDER_REVIEW:
        raise ReviewError(
            _("A challenge that is “%(status)s” awaits no decision.")
            % {"status": challenge.get_status_display()},
            code="not_in_review",
        )
    if not _panel(challenge).is_closed:
        raise ReviewError(
            _("The issuer decides once the moderators have closed the expert panel."),
            code="panel_open",
        )


@transaction.atomic
def confirm_winner(
    challenge_id: int,
    *,
    application_id: int,
    by_user_id: int,
    announcement: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """The issuer confirms the winner from the ranking: the challenge is awarded and
    its objection period (公示) opens (``award_challenge``)."""
    challenge = _lock(challenge_id)
    _require_closed_panel(challenge)
    ranked = ScoreSheet.objects.filter(
        application_id=application_id,
        application__challenge_id=challenge.pk,
        application__formal_check__outcome=FormalCheckOutcome.COMPLETE,
    ).exists()
    if not ranked:
        raise ReviewError(
            _("Choose the winner among the ranked applications."),
            code="not_ranked",
        )
    return award_challenge(
        challenge.pk,
        application_id=application_id,
        by_user_id=by_user_id,
        announcement=announcement,
        now=now,
    )


@transaction.atomic
def declare_no_winner(challenge_id: int, *, by_user_id: int, reason: str) -> Challenge:
    """The issuer finds no application suitable: the challenge fails with the reason."""
    challenge = _lock(challenge_id)
    _require_closed_panel(challenge)
    if not (reason or "").strip():
        raise ReviewError(
            _("Say why no application is suitable."),
            code="reason_required",
            errors={"reason": [str(_("Say why no application is suitable."))]},
        )
    return fail_challenge(challenge.pk, by_user_id=by_user_id, reason=reason)
