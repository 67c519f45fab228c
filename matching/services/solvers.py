"""Solvers for a challenge (揭榜方推荐): organisations the matcher proposes, and invitations.

A published challenge is matched like a demand — its title, objectives, background,
deliverables and indicators, its field, region, bounty and deadline — against the
published outcomes by the same engine (:func:`matching.services.proposals.score_item`:
lexical and semantic retrieval, structured compatibility, the combiner). The outcomes
found are grouped by their organisation: an organisation's score is its best outcome's
total, plus a little for each further outcome among the best (``BREADTH``), plus a little
for each earlier application it led or joined in the challenge's field
(``HISTORY``). Organisations that applied in the field before but have no matching
outcome are proposed on their history alone (``HISTORY_ONLY``). Never the issuer, never
an organisation only an anonymous outcome would reveal.

The issuer's members and agents invite an organisation: its members are told in the site
and by email, with the link to the challenge; invitations, and which of the invited then
applied, are counted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    Organisation,
    Outcome,
)
from market.services.challenges import BEIJING
from matching.engine import ENGINE_VERSION
from matching.engine.items import MatchItem, MoneyRange, Side
from matching.engine.terms import shared_terms
from matching.models import SolverInvitation, SolverProposal
from search.analysis import words
from search.texts import plain_text

logger = logging.getLogger(__name__)

SOLVERS = 10  # organisations kept a challenge
EVIDENCE = 3  # outcomes shown as an organisation's evidence
BREADTH = 0.05  # per further outcome among the best, up to BREADTH_CAP
BREADTH_CAP = 0.15
HISTORY = 0.05  # per earlier application in the field, up to HISTORY_CAP
HISTORY_CAP = 0.10
HISTORY_ONLY = 0.25  # the score of an organisation known only by its applications
# A challenge is commissioned research: development and cooperation modes fit it.
CHALLENGE_MODES = frozenset({"development", "cooperation"})


class SolverError(Exception):
    def __init__(self, message: Any, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class InvitationCounts:
    invited: int
    applied_after: int


def challenge_item(challenge: Challenge) -> MatchItem:
    """The challenge as the matcher sees a demand (no listing row: a negative id)."""
    indicators = [i.name for i in challenge.indicators.all()]
    text = " ".join(
        [
            challenge.title,
            challenge.objectives,
            plain_text(challenge.background),
            challenge.deliverables,
            *indicators,
        ]
    )
    deadline = challenge.application_deadline
    return MatchItem(
        id=-challenge.pk,
        side=Side.DEMAND,
        organisation_id=challenge.issuer_id,
        title=challenge.title,
        keywords=tuple(indicators),
        tokens=tuple(words(text)),
        field_code=challenge.field.code if challenge.field_id else None,
        region_code=challenge.region.code if challenge.region_id else None,
        money=MoneyRange(challenge.bounty_wan, challenge.bounty_wan),
        modes=CHALLENGE_MODES,
        deadline=deadline.astimezone(BEIJING).date() if deadline else None,
    )


def _field_q(challenge: Challenge) -> Q:
    """Challenges of the same top-level field as ``challenge`` (its field or a child)."""
    code = (challenge.field.code if challenge.field_id else "")[:2]
    return Q(challenge__field__code__startswith=code) if code else Q(pk__in=[])


def _past_applications(challenge: Challenge) -> dict[int, int]:
    """Per organisation, its submitted applications (as lead or member) to other
    challenges of the field."""
    applications = (
        ChallengeApplication.objects.filter(_field_q(challenge))
        .exclude(challenge=challenge)
        .exclude(status=ApplicationStatus.DRAFT)
    )
    counts: dict[int, int] = defaultdict(int)
    for lead_id, member_ids in _leads_and_members(applications):
        for org_id in {lead_id, *member_ids}:
            counts[org_id] += 1
    return counts


def _leads_and_members(applications: Any) -> list[tuple[int, list[int]]]:
    rows = list(applications.values_list("pk", "lead_organisation_id"))
    members: dict[int, list[int]] = defaultdict(list)
    from market.models import ConsortiumMember

    for application_id, org_id in ConsortiumMember.objects.filter(
        application_id__in=[pk for pk, _lead in rows]
    ).values_list("application_id", "organisation_id"):
        members[application_id].append(org_id)
    return [(lead, members[pk]) for pk, lead in rows]


def rank_solvers(
    challenge: Challenge, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The best ``SOLVERS`` organisations for ``challenge``, best first (not stored)."""
    from matching.services.proposals import score_item

    today = today or timezone.localdate()
    item = challenge_item(challenge)
    scored, _terms = score_item(item, today)
    outcomes = {
        o.pk: o
        for o in Outcome.objects.filter(
            pk__in=[s.candidate_id for s in scored]
        ).select_related("organisation")
    }
    from matching.items import tokens_of

    tokens = tokens_of(outcomes)
    groups: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for s in scored:
        outcome = outcomes.get(s.candidate_id)
        if outcome is None or outcome.organisation_id is None:
            continue
        if outcome.owner_hidden or outcome.organisation_id == challenge.issuer_id:
            continue  # an anonymous outcome must not name its owner
        groups[outcome.organisation_id].append((s, outcome))
    history = _past_applications(challenge)
    rows: list[dict[str, Any]] = []
    for org_id in set(groups) | set(history):
        if org_id == challenge.issuer_id:
            continue
        found = groups.get(org_id, [])
        past = history.get(org_id, 0)
        best = max((s.total for s, _o in found), default=0.0)
        breadth = min(BREADTH_CAP, BREADTH * max(0, len(found) - 1))
        past_bonus = min(HISTORY_CAP, HISTORY * past)
        base = best if found else HISTORY_ONLY
        evidence = [
            {
                "outcome_id": outcome.pk,
                "title": outcome.title,
                "score": round(s.total, 4),
                "terms": shared_terms(item.tokens, tokens.get(outcome.pk, ()), limit=6),
            }
            for s, outcome in found[:EVIDENCE]
        ]
        terms: list[str] = []
        for entry in evidence:
            terms.extend(t for t in entry["terms"] if t not in terms)
        rows.append(
            {
                "organisation_id": org_id,
                "score": round(base + breadth + past_bonus, 4),
                "components": {
                    "outcomes": round(best, 4),
                    "breadth": round(breadth, 4),
                    "history": round(past_bonus, 4),
                },
                "evidence": evidence,
                "past_applications": past,
                "shared_terms": terms[:8],
            }
        )
    rows.sort(key=lambda r: (-float(r["score"]), int(r["organisation_id"])))
    return rows[:SOLVERS]


def refresh_solvers(challenge_id: int, today: dt.date | None = None) -> int:
    """Recompute a published challenge's solver proposals; how many are stored.

    A challenge no longer published keeps what it had (the issuer still reads who was
    proposed and invited); one that is gone is skipped. Safe to repeat.
    """
    from matching.services.training import active_model

    challenge = (
        Challenge.objects.filter(pk=challenge_id)
        .select_related("field", "region")
        .first()
    )
    if challenge is None or challenge.status != ChallengeStatus.PUBLISHED:
        return 0
    rows = rank_solvers(challenge, today)
    model = active_model()
    now = timezone.now()
    with transaction.atomic():
        Challenge.objects.select_for_update().filter(pk=challenge_id).first()
        SolverProposal.objects.filter(challenge_id=challenge_id).delete()
        SolverProposal.objects.bulk_create(
            SolverProposal(
                challenge_id=challenge_id,
                rank=rank,
                engine_version=ENGINE_VERSION,
                model_version=model.version if model else "",
                computed_at=now,
                **row,
            )
            for rank, row in enumerate(rows, 1)
        )
    return len(rows)


def refresh_open_challenges() -> int:
    """Every published challenge's solvers (the nightly task); how many challenges."""
    ids = list(
        Challenge.objects.filter(status=ChallengeStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        refresh_solvers(pk)
    return len(ids)


def invite_solver(
    challenge_id: int,
    organisation_id: int,
    *,
    by_user_id: int,
    message: str = "",
    now: dt.datetime | None = None,
) -> SolverInvitation:
    """Invite an organisation to apply; its members are told once the invitation is
    stored. Refused when the challenge takes no applications, for the issuer itself,
    twice for one organisation, or for one that has already applied."""
    now = now or timezone.now()
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge_id)
        if not challenge.accepts_applications(now):
            raise SolverError(
                _("The challenge no longer takes applications: nobody can be invited."),
                code="closed",
            )
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise SolverError(_("There is no such organisation."), code="unknown")
        if organisation.pk == challenge.issuer_id:
            raise SolverError(
                _("The issuer cannot be invited to its own challenge."), code="issuer"
            )
        if SolverInvitation.objects.filter(
            challenge=challenge, organisation=organisation
        ).exists():
            raise SolverError(
                _("%(name)s has already been invited.") % {"name": organisation.name},
                code="already_invited",
            )
        if ChallengeApplication.objects.filter(
            challenge=challenge, lead_organisation=organisation
        ).exists():
            raise SolverError(
                _("%(name)s has already applied.") % {"name": organisation.name},
                code="already_applied",
            )
        proposal = SolverProposal.objects.filter(
            challenge=challenge, organisation=organisation
        ).first()
        invitation = SolverInvitation.objects.create(
            challenge=challenge,
            organisation=organisation,
            invited_by_id=by_user_id,
            message=(message or "").strip()[:2000],
            score=proposal.score if proposal else None,
            invited_at=now,
        )
        transaction.on_commit(lambda: _notify_invited(invitation.pk))
    return invitation


def _notify_invited(invitation_id: int) -> None:
    from accounts.models import NotificationKind
    from accounts.notifications import notify
    from accounts.receivers import member_ids

    invitation = (
        SolverInvitation.objects.filter(pk=invitation_id)
        .select_related("challenge__issuer", "organisation")
        .first()
    )
    if invitation is None:
        return
    challenge = invitation.challenge
    # In the site's language, as every notification (accounts.notifications).
    with translation.override(settings.LANGUAGE_CODE):
        deadline = challenge.application_deadline.astimezone(BEIJING)
        subject = str(_("Invitation to apply: %(title)s")) % {"title": challenge.title}
        # An anonymous-tier challenge does not name its issuer, not even to invitees.
        issuer = _("The issuer") if challenge.owner_hidden else challenge.issuer.name
        body = str(
            _(
                "%(issuer)s invites %(organisation)s to apply (揭榜) to the challenge "
                "“%(title)s” (bounty %(bounty)s 万元). Applications close on %(deadline)s "
                "(Beijing time)."
            )
        ) % {
            "issuer": issuer,
            "organisation": invitation.organisation.name,
            "title": challenge.title,
            "bounty": challenge.bounty_wan,
            "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
        }
        if invitation.message:
            body = f"{body}\n\n{invitation.message}"
    notify(
        member_ids(invitation.organisation_id),
        kind=NotificationKind.SOLVER_INVITED,
        subject=subject,
        body=body,
        url=reverse("challenges:detail", args=[challenge.pk]),
    )


def invitation_counts(challenge_id: int) -> InvitationCounts:
    """How many organisations were invited, and how many of them applied afterwards
    (as lead, an application created after their invitation)."""
    invitations = SolverInvitation.objects.filter(challenge_id=challenge_id)
    applied = invitations.filter(
        Exists(
            ChallengeApplication.objects.filter(
                challenge_id=OuterRef("challenge_id"),
                lead_organisation_id=OuterRef("organisation_id"),
                created_at__gte=OuterRef("invited_at"),
            )
        )
    ).count()
    return InvitationCounts(invited=invitations.count(), applied_after=applied)
