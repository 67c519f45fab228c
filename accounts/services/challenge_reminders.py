"""Reminders about challenges (揭榜挂帅), sent by the periodic tasks in ``accounts.tasks``.

- **Application deadline**: the members of the lead organisation of an application
  that is still a draft, while the challenge takes applications, once when the
  deadline is 3 days away or less and once more when it is 1 day away or less (an
  application started within the last day gets only the second).
- **Scoring**: an expert seated on a panel at least ``SCORING_REMINDER_AFTER`` ago
  who has not scored every application that passed the formal check, while the
  challenge is under review and its panel is open — once per panel.

Each reminder is recorded (``ChallengeReminder``, unique per user, challenge and
kind) in the transaction that stores its notification, so a task that runs twice,
or two runs at once, tell everyone once.

- **Milestones**: while the work is in progress, the members of the winning team (lead
  and consortium members) and of the issuer, once when a pending milestone is due in
  7 days or less and once more when it is due in 1 day or less (``MilestoneReminder``,
  unique per user, milestone and kind); an accepted milestone is not reminded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accounts.models import (
    ChallengeReminder,
    ChallengeReminderKind,
    Membership,
    MilestoneReminder,
    MilestoneReminderKind,
    NotificationKind,
)
from accounts.notifications import notify, render_message
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    DeliveryMilestone,
    ExpertAssignment,
    FormalCheckOutcome,
    MilestoneStatus,
    ScoreSheet,
)
from market.services.challenges import beijing_time
from market.services.delivery import beijing_date
from market.services.review import has_conflict

logger = logging.getLogger(__name__)

# Remind drafts' teams when the deadline is this close (the nearest one that applies).
DEADLINE_REMINDERS: tuple[tuple[dt.timedelta, str], ...] = (
    (dt.timedelta(days=1), ChallengeReminderKind.DEADLINE_1_DAY),
    (dt.timedelta(days=3), ChallengeReminderKind.DEADLINE_3_DAYS),
)
# Experts get a few days after being seated before they are reminded to score.
SCORING_REMINDER_AFTER = dt.timedelta(days=3)


def beijing(value: dt.datetime | None) -> str:
    """``value`` as notifications show times, in the site's language:
    "2027-03-01 18:00 (北京时间)"."""
    if value is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return beijing_time(value)


def _path(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _already(challenge_id: int, kind: str, user_ids: Iterable[int]) -> set[int]:
    return set(
        ChallengeReminder.objects.filter(
            challenge_id=challenge_id, kind=kind, user_id__in=list(user_ids)
        ).values_list("user_id", flat=True)
    )


def _record(
    challenge_id: int, kind: str, user_ids: Iterable[int], now: dt.datetime
) -> None:
    # A concurrent run that recorded one of them first makes this insert fail, and
    # the caller's transaction (with its notifications) rolls back.
    ChallengeReminder.objects.bulk_create(
        ChallengeReminder(user_id=pk, challenge_id=challenge_id, kind=kind, sent_at=now)
        for pk in user_ids
    )


def _deadline_kind(challenge: Challenge, now: dt.datetime) -> str:
    left = challenge.application_deadline - now
    for within, kind in DEADLINE_REMINDERS:
        if left <= within:
            return kind
    return ""


def _remind_drafts(challenge: Challenge, kind: str, now: dt.datetime) -> int:
    drafts = list(
        ChallengeApplication.objects.filter(
            challenge=challenge, status=ApplicationStatus.DRAFT
        )
        .order_by("pk")
        .values_list("pk", "lead_organisation_id")
    )
    members: dict[int, set[int]] = {}
    for organisation_id, user_id in (
        Membership.objects.active()
        .filter(
            organisation_id__in={lead for _pk, lead in drafts},
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id")
    ):
        members.setdefault(organisation_id, set()).add(user_id)
    told = _already(
        challenge.pk, kind, set().union(*members.values()) if members else set()
    )
    subject, body = render_message(
        NotificationKind.APPLICATION_DEADLINE,
        {
            "challenge": challenge,
            "deadline": beijing(challenge.application_deadline),
        },
    )
    sent = 0
    for application_id, lead in drafts:
        recipients = members.get(lead, set()) - told
        if not recipients:
            continue
        _record(challenge.pk, kind, recipients, now)
        notify(
            recipients,
            kind=NotificationKind.APPLICATION_DEADLINE,
            subject=subject,
            body=body,
            url=_path("workbench:application_detail", application_id),
        )
        told |= recipients
        sent += len(recipients)
    return sent


def send_application_deadline_reminders(now: dt.datetime | None = None) -> int:
    """Remind the teams of draft applications that the deadline is near; how many
    users were reminded. Safe to run twice: each is told once per reminder kind."""
    now = now or timezone.now()
    horizon = max(within for within, _kind in DEADLINE_REMINDERS)
    challenges = (
        Challenge.objects.open_for_applications(now)
        .filter(
            application_deadline__lte=now + horizon,
            applications__status=ApplicationStatus.DRAFT,
        )
        .distinct()
        .order_by("application_deadline", "pk")
    )
    sent = 0
    for challenge in challenges:
        kind = _deadline_kind(challenge, now)
        if not kind:
            continue
        try:
            with transaction.atomic():
                sent += _remind_drafts(challenge, kind, now)
        except IntegrityError:
            logger.info(
                "deadline reminders of challenge %s sent by another run", challenge.pk
            )
    if sent:
        logger.info("sent %d application deadline reminders", sent)
    return sent


def _unscored(assignment: ExpertAssignment) -> int:
    complete = ChallengeApplication.objects.filter(
        challenge_id=assignment.challenge_id,
        status=ApplicationStatus.SUBMITTED,
        formal_check__outcome=FormalCheckOutcome.COMPLETE,
    )
    scored = ScoreSheet.objects.filter(
        expert_id=assignment.expert_id, application__in=complete
    )
    return complete.count() - scored.count()


def send_scoring_reminders(now: dt.datetime | None = None) -> int:
    """Remind experts seated for ``SCORING_REMINDER_AFTER`` whose scores are still
    missing while the panel is open; how many were reminded (each once per panel)."""
    now = now or timezone.now()
    assignments = (
        ExpertAssignment.objects.filter(
            challenge__status=ChallengeStatus.UNDER_REVIEW,
            assigned_at__lte=now - SCORING_REMINDER_AFTER,
            expert__is_active=True,
        )
        # No panel row yet means it was never closed.
        .exclude(challenge__review_panel__closed_at__isnull=False)
        .exclude(
            Exists(
                ChallengeReminder.objects.filter(
                    kind=ChallengeReminderKind.EXPERT_SCORING,
                    challenge_id=OuterRef("challenge_id"),
                    user_id=OuterRef("expert_id"),
                )
            )
        )
        .select_related("challenge")
        .order_by("challenge_id", "pk")
    )
    sent = 0
    for assignment in assignments:
        challenge = assignment.challenge
        count = _unscored(assignment)
        # A conflicted expert cannot score: the moderators must replace them.
        if count <= 0 or has_conflict(assignment.expert_id, challenge):
            continue
        subject, body = render_message(
            NotificationKind.SCORING_REMINDER,
            {
                "challenge": challenge,
                "count": count,
                "declared": assignment.has_declared,
            },
        )
        try:
            with transaction.atomic():
                _record(
                    challenge.pk,
                    ChallengeReminderKind.EXPERT_SCORING,
                    [assignment.expert_id],
                    now,
                )
                notify(
                    [assignment.expert_id],
                    kind=NotificationKind.SCORING_REMINDER,
                    subject=subject,
                    body=body,
                    url=_path("review:panel", challenge.pk),
                )
        except IntegrityError:
            continue
        sent += 1
    if sent:
        logger.info("sent %d scoring reminders", sent)
    return sent


# Remind of a pending milestone when it is due this close (the nearest that applies).
MILESTONE_REMINDERS: tuple[tuple[int, str], ...] = (
    (1, MilestoneReminderKind.DUE_1_DAY),
    (7, MilestoneReminderKind.DUE_7_DAYS),
)


def _milestone_kind(milestone: DeliveryMilestone, today: dt.date) -> str:
    left = (milestone.due_on - today).days
    for within, kind in MILESTONE_REMINDERS:
        if left <= within:
            return kind
    return ""


def _delivery_people(challenge: Challenge) -> set[int]:
    """Active members of the issuer and of every organisation of the winning team."""
    from accounts.challenge_receivers import applicant_members
    from accounts.receivers import member_ids

    people = member_ids(challenge.issuer_id)
    if challenge.awarded_application_id is not None:
        people |= applicant_members(challenge.pk, submitted_only=False).get(
            challenge.awarded_application_id, set()
        )
    return people


def send_milestone_reminders(now: dt.datetime | None = None) -> int:
    """Remind the winning team and the issuer of pending milestones due within 7 days
    and within 1 day (Beijing dates); how many reminders were sent. Safe to run twice.
    """
    now = now or timezone.now()
    today = beijing_date(now)
    horizon = max(within for within, _kind in MILESTONE_REMINDERS)
    milestones = (
        DeliveryMilestone.objects.filter(
            challenge__status=ChallengeStatus.IN_PROGRESS,
            status=MilestoneStatus.PENDING,
            due_on__lte=today + dt.timedelta(days=horizon),
        )
        .select_related("challenge__awarded_application")
        .order_by("due_on", "pk")
    )
    sent = 0
    for milestone in milestones:
        kind = _milestone_kind(milestone, today)
        challenge = milestone.challenge
        people = _delivery_people(challenge)
        told = set(
            MilestoneReminder.objects.filter(
                milestone=milestone, kind=kind, user_id__in=people
            ).values_list("user_id", flat=True)
        )
        recipients = people - told
        if not kind or not recipients:
            continue
        subject, body = render_message(
            NotificationKind.MILESTONE_DUE,
            {
                "challenge": challenge,
                "milestone": milestone,
                "due": milestone.due_on.isoformat(),
                "overdue": milestone.due_on < today,
            },
        )
        try:
            with transaction.atomic():
                MilestoneReminder.objects.bulk_create(
                    MilestoneReminder(
                        user_id=pk, milestone=milestone, kind=kind, sent_at=now
                    )
                    for pk in sorted(recipients)
                )
                notify(
                    recipients,
                    kind=NotificationKind.MILESTONE_DUE,
                    subject=subject,
                    body=body,
                    url=_path("workbench:delivery", challenge.pk),
                )
        except IntegrityError:
            logger.info("reminders of milestone %s sent by another run", milestone.pk)
            continue
        sent += len(recipients)
    if sent:
        logger.info("sent %d milestone reminders", sent)
    return sent
