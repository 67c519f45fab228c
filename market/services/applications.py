"""Applications (揭榜申请): created, edited and submitted while the challenge is open.

Every write locks the challenge row first, so an edit and the automatic close at the
deadline are serialised: an edit either lands before the close or is refused after
it, with the deadline shown in Beijing time. Everything is validated before anything
is written; a refusal raises ``ApplicationError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.membership import active_organisation_ids
from market.models import (
    ApplicationMilestone,
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ConsortiumMember,
    IndicatorResponse,
    ListingStatus,
    Organisation,
    Outcome,
)
from market.sanitize import sanitize_rich_text
from market.services.challenges import beijing_time
from market.services.errors import ServiceError

HUNDRED = Decimal("100")


class ApplicationError(ServiceError):
    """A request about an application that is refused; ``message`` is shown to the
    user, ``errors`` maps form fields to their messages."""


@dataclass(frozen=True)
class MemberData:
    """A consortium member besides the lead: organisation, role, share in percent."""

    organisation_id: int
    role: str
    share: Decimal | str


@dataclass(frozen=True)
class ResponseData:
    """The value promised for one indicator, and how it will be reached."""

    indicator_id: int
    promised_value: Decimal | str
    approach: str = ""


@dataclass(frozen=True)
class MilestoneData:
    """A step of the schedule: month after the start, deliverable and budget."""

    title: str
    month: int
    deliverable: str
    budget_wan: Decimal | str


@dataclass(frozen=True)
class ApplicationData:
    """Everything the applicant's form gives, as typed values."""

    team_lead_name: str
    proposal: str = ""
    lead_share: Decimal | str = HUNDRED
    members: Sequence[MemberData] = field(default_factory=tuple)
    responses: Sequence[ResponseData] = field(default_factory=tuple)
    milestones: Sequence[MilestoneData] = field(default_factory=tuple)
    linked_outcome_ids: Sequence[int] = field(default_factory=tuple)
    declarations_confirmed: bool = False


def _number(value: Decimal | str) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _lock_challenge(challenge_id: int) -> Challenge:
    challenge = Challenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None:
        raise ApplicationError(_("This challenge no longer exists."), code="not_found")
    return challenge


def _check_open(challenge: Challenge, now: dt.datetime) -> None:
    """Refuse unless the challenge is published and its deadline not yet passed."""
    if challenge.accepts_applications(now):
        return
    # Once published, a challenge past its deadline is frozen, whatever came after.
    deadline_passed = (
        challenge.published_at is not None and challenge.application_deadline <= now
    )
    if deadline_passed:
        raise ApplicationError(
            _(
                "The application deadline was %(deadline)s; applications can no "
                "longer be created or changed."
            )
            % {"deadline": beijing_time(challenge.application_deadline)},
            code="deadline_passed",
        )
    raise ApplicationError(
        _("This challenge is not open for applications."), code="not_open"
    )


def _check_member(by_user_id: int, organisation_id: int) -> None:
    if organisation_id not in active_organisation_ids(by_user_id):
        raise ApplicationError(
            _(
                "Only members of the lead organisation can apply or edit the application."
            ),
            code="not_member",
        )


def _validated(
    challenge: Challenge, lead_organisation_id: int, data: ApplicationData
) -> tuple[
    Decimal,
    list[ConsortiumMember],
    list[IndicatorResponse],
    list[ApplicationMilestone],
    list[int],
]:
    """Check the form's values against the challenge; every problem at once."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: Any) -> None:
        errors.setdefault(key, []).append(str(message))

    if not (data.team_lead_name or "").strip():
        add("team_lead_name", _("Name the team lead."))
    elif len(data.team_lead_name.strip()) > 60:
        add("team_lead_name", _("The team lead's name is too long."))

    lead_share = _number(data.lead_share)
    if lead_share is None or not Decimal(0) <= lead_share <= HUNDRED:
        add("lead_share", _("The lead's share must be a number from 0 to 100."))

    # -- consortium
    members: list[ConsortiumMember] = []
    if len(data.members) > challenge.max_consortium_members:
        add(
            "members",
            _("At most %(max)s organisations may join the lead in this challenge.")
            % {"max": challenge.max_consortium_members},
        )
    member_ids = [m.organisation_id for m in data.members]
    known = set(
        Organisation.objects.filter(pk__in=member_ids).values_list("pk", flat=True)
    )
    seen: set[int] = set()
    for position, item in enumerate(data.members, start=1):
        share = _number(item.share)
        if item.organisation_id not in known:
            add("members", _("Member %(n)s: unknown organisation.") % {"n": position})
        elif item.organisation_id == lead_organisation_id:
            add(
                "members",
                _("Member %(n)s is the lead organisation itself.") % {"n": position},
            )
        elif item.organisation_id in seen:
            add("members", _("Member %(n)s is named twice.") % {"n": position})
        seen.add(item.organisation_id)
        if not (item.role or "").strip():
            add("members", _("Member %(n)s: give its role.") % {"n": position})
        if share is None or not Decimal(0) < share <= HUNDRED:
            add(
                "members",
                _("Member %(n)s: the share must be above 0 and at most 100.")
                % {"n": position},
            )
            share = Decimal(0)
        members.append(
            ConsortiumMember(
                organisation_id=item.organisation_id,
                role=(item.role or "").strip()[:120],
                share=share,
                sort_order=position,
            )
        )
    if lead_share is not None and "members" not in errors:
        total = lead_share + sum((m.share for m in members), Decimal(0))
        if total != HUNDRED:
            add(
                "lead_share",
                _(
                    "The shares of the lead and the members add up to %(total)s %%; "
                    "they must add up to 100 %%."
                )
                % {"total": f"{total.normalize():f}"},
            )

    # -- indicator responses
    indicators = {i.pk: i for i in challenge.indicators.all()}
    responses: list[IndicatorResponse] = []
    answered: set[int] = set()
    for response in data.responses:
        value = _number(response.promised_value)
        if response.indicator_id not in indicators:
            add("responses", _("A response names an indicator of another challenge."))
            continue
        if response.indicator_id in answered:
            add(
                "responses",
                _("“%(name)s” is answered twice.")
                % {"name": indicators[response.indicator_id].name},
            )
            continue
        answered.add(response.indicator_id)
        if value is None or abs(value) >= Decimal("1e12"):
            add(
                "responses",
                _("“%(name)s”: the promised value must be a number.")
                % {"name": indicators[response.indicator_id].name},
            )
            continue
        responses.append(
            IndicatorResponse(
                indicator_id=response.indicator_id,
                promised_value=value,
                approach=(response.approach or "").strip(),
            )
        )

    # -- milestones
    milestones: list[ApplicationMilestone] = []
    for position, step in enumerate(data.milestones, start=1):
        budget = _number(step.budget_wan)
        month = step.month if isinstance(step.month, int) else 0
        if not (step.title or "").strip() or not (step.deliverable or "").strip():
            add(
                "milestones",
                _("Milestone %(n)s needs a title and a deliverable.") % {"n": position},
            )
        if not 1 <= month <= challenge.duration_months:
            add(
                "milestones",
                _("Milestone %(n)s: the month must be from 1 to %(months)s.")
                % {"n": position, "months": challenge.duration_months},
            )
        if budget is None or budget < 0 or budget >= Decimal("1e10"):
            add(
                "milestones",
                _("Milestone %(n)s: the budget must be a number of at least 0.")
                % {"n": position},
            )
            budget = Decimal(0)
        milestones.append(
            ApplicationMilestone(
                title=(step.title or "").strip()[:120],
                month=max(month, 1),
                deliverable=(step.deliverable or "").strip(),
                budget_wan=budget.quantize(Decimal("0.01")),
                sort_order=position,
            )
        )

    # -- linked outcomes: published ones from the catalogue
    outcome_ids = sorted({int(pk) for pk in data.linked_outcome_ids})
    found = set(
        Outcome.objects.filter(
            pk__in=outcome_ids, status=ListingStatus.PUBLISHED
        ).values_list("pk", flat=True)
    )
    if set(outcome_ids) - found:
        add("linked_outcomes", _("Link only outcomes published in the catalogue."))

    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", errors=errors)
    assert lead_share is not None
    return lead_share, members, responses, milestones, outcome_ids


def _write_children(
    application: ChallengeApplication,
    members: list[ConsortiumMember],
    responses: list[IndicatorResponse],
    milestones: list[ApplicationMilestone],
    outcome_ids: list[int],
) -> None:
    application.members.all().delete()
    application.responses.all().delete()
    application.milestones.all().delete()
    for member in members:
        member.application = application
    for response in responses:
        response.application = application
    for milestone in milestones:
        milestone.application = application
    ConsortiumMember.objects.bulk_create(members)
    IndicatorResponse.objects.bulk_create(responses)
    ApplicationMilestone.objects.bulk_create(milestones)
    application.linked_outcomes.set(outcome_ids)


@transaction.atomic
def create_application(
    challenge_id: int,
    *,
    lead_organisation_id: int,
    by_user_id: int,
    data: ApplicationData,
    now: dt.datetime | None = None,
) -> ChallengeApplication:
    """Start a (draft) application of ``lead_organisation_id`` to an open challenge;
    one per lead organisation and challenge."""
    now = now or timezone.now()
    challenge = _lock_challenge(challenge_id)
    _check_open(challenge, now)
    _check_member(by_user_id, lead_organisation_id)
    if lead_organisation_id == challenge.issuer_id:
        raise ApplicationError(
            _("An issuer cannot apply to its own challenge."), code="own_challenge"
        )
    duplicate = _("This organisation has already applied to this challenge as lead.")
    if ChallengeApplication.objects.filter(
        challenge=challenge, lead_organisation_id=lead_organisation_id
    ).exists():
        raise ApplicationError(duplicate, code="duplicate")
    lead_share, members, responses, milestones, outcome_ids = _validated(
        challenge, lead_organisation_id, data
    )
    application = ChallengeApplication(
        challenge=challenge,
        lead_organisation_id=lead_organisation_id,
        lead_share=lead_share,
        team_lead_name=data.team_lead_name.strip(),
        proposal=sanitize_rich_text(data.proposal),
        declarations_confirmed=bool(data.declarations_confirmed),
        created_by_id=by_user_id,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The challenge lock makes this unlikely; the constraint is the last word.
        raise ApplicationError(duplicate, code="duplicate") from None
    _write_children(application, members, responses, milestones, outcome_ids)
    return application


def _lock_application(
    application_id: int, now: dt.datetime
) -> tuple[Challenge, ChallengeApplication]:
    challenge_id = (
        ChallengeApplication.objects.filter(pk=application_id)
        .values_list("challenge_id", flat=True)
        .first()
    )
    if challenge_id is None:
        raise ApplicationError(
            _("This application no longer exists."), code="not_found"
        )
    challenge = _lock_challenge(challenge_id)
    _check_open(challenge, now)
    application = ChallengeApplication.objects.select_for_update().get(
        pk=application_id
    )
    return challenge, application


@transaction.atomic
def update_application(
    application_id: int,
    *,
    by_user_id: int,
    data: ApplicationData,
    now: dt.datetime | None = None,
) -> ChallengeApplication:
    """Change an application until the deadline (a submitted one stays submitted)."""
    now = now or timezone.now()
    challenge, application = _lock_application(application_id, now)
    _check_member(by_user_id, application.lead_organisation_id)
    lead_share, members, responses, milestones, outcome_ids = _validated(
        challenge, application.lead_organisation_id, data
    )
    application.lead_share = lead_share
    application.team_lead_name = data.team_lead_name.strip()
    application.proposal = sanitize_rich_text(data.proposal)
    application.declarations_confirmed = bool(data.declarations_confirmed)
    if application.status == ApplicationStatus.SUBMITTED:
        # A submitted application stays complete: the declarations hold for the edit.
        _require_complete(challenge, application, responses)
    application.save()
    _write_children(application, members, responses, milestones, outcome_ids)
    return application


def _require_complete(
    challenge: Challenge,
    application: ChallengeApplication,
    responses: Sequence[IndicatorResponse],
) -> None:
    errors: dict[str, list[str]] = {}
    answered = {r.indicator_id for r in responses}
    missing = [i.name for i in challenge.indicators.all() if i.pk not in answered]
    if missing:
        errors["responses"] = [
            str(
                _("Promise a value for every indicator; missing: %(names)s.")
                % {"names": "、".join(missing)}
            )
        ]
    if not application.proposal and application.proposal_document_id is None:
        errors["proposal"] = [str(_("Describe the technical proposal."))]
    if not application.declarations_confirmed:
        errors["declarations_confirmed"] = [str(_("Confirm the declarations."))]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="incomplete", errors=errors)


@transaction.atomic
def submit_application(
    application_id: int, *, by_user_id: int, now: dt.datetime | None = None
) -> ChallengeApplication:
    """Submit a complete application: a value for every indicator, a proposal and the
    confirmed declarations."""
    now = now or timezone.now()
    challenge, application = _lock_application(application_id, now)
    _check_member(by_user_id, application.lead_organisation_id)
    _require_complete(challenge, application, list(application.responses.all()))
    if application.status != ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at", "updated_at"])
    return application


@transaction.atomic
def attach_proposal_document(
    application_id: int,
    file: Any,
    *,
    by_user_id: int,
    now: dt.datetime | None = None,
) -> ChallengeApplication:
    """Check ``file`` like a listing's PDF and keep it as the proposal document."""
    from market.uploads import store_document, title_from_filename

    now = now or timezone.now()
    _challenge, application = _lock_application(application_id, now)
    _check_member(by_user_id, application.lead_organisation_id)
    try:
        document = store_document(
            file,
            title=title_from_filename(getattr(file, "name", "")),
            uploaded_by_user_id=by_user_id,
        )
    except ValidationError as error:
        raise ApplicationError(
            error.messages[0],
            code="bad_file",
            errors={"proposal_document": list(error.messages)},
        ) from None
    application.proposal_document = document
    application.save(update_fields=["proposal_document", "updated_at"])
    return application
