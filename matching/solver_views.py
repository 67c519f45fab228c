"""A challenge's proposed solvers (揭榜方推荐) and invitations, mounted at
/challenges/<id>/solvers/ (namespace ``solvers``): for the issuer's members, agents
and moderators; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from market.models import (
    Challenge,
    ChallengeApplication,
    ListingKind,
    ListingStatus,
    Outcome,
)
from matching.models import SolverInvitation, SolverProposal
from matching.panels import highlighted
from matching.permissions import can_find_solvers
from matching.services.solvers import (
    SolverError,
    invitation_counts,
    invite_solver,
    refresh_solvers,
)

MAX_MESSAGE = 2000


def _challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    challenge = (
        Challenge.objects.filter(pk=challenge_id)
        .select_related("issuer", "field", "region")
        .first()
    )
    if challenge is None or not can_find_solvers(request.user, challenge):
        raise Http404
    return challenge


def _here(challenge: Challenge) -> str:
    return reverse("solvers:list", args=[challenge.pk])


@never_cache
@login_required
@require_GET
def solver_list(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    proposals = list(
        SolverProposal.objects.filter(challenge=challenge)
        .select_related("organisation")
        .order_by("rank")
    )
    invitations = {
        i.organisation_id: i
        for i in SolverInvitation.objects.filter(challenge=challenge).select_related(
            "organisation", "invited_by"
        )
    }
    applied = set(
        ChallengeApplication.objects.filter(challenge=challenge).values_list(
            "lead_organisation_id", flat=True
        )
    )
    # Evidence outcomes still published, by id (a withdrawn one is left out).
    outcome_ids = {e["outcome_id"] for p in proposals for e in p.evidence}
    published = set(
        Outcome.objects.filter(
            pk__in=outcome_ids, status=ListingStatus.PUBLISHED
        ).values_list("pk", flat=True)
    )
    from cms.catalogue import listing_url

    rows = []
    for proposal in proposals:
        evidence = [
            {
                "title": highlighted(entry["title"], entry["terms"]),
                "url": listing_url(
                    Outcome(pk=entry["outcome_id"], kind=ListingKind.OUTCOME), request
                ),
                "score": round(entry["score"] * 100),
                "terms": entry["terms"],
            }
            for entry in proposal.evidence
            if entry["outcome_id"] in published
        ]
        rows.append(
            {
                "proposal": proposal,
                "score": round(proposal.score * 100),
                "components": {
                    k: round(v * 100) for k, v in proposal.components.items()
                },
                "evidence": evidence,
                "invitation": invitations.get(proposal.organisation_id),
                "applied": proposal.organisation_id in applied,
            }
        )
    proposed = {p.organisation_id for p in proposals}
    others = [i for org_id, i in invitations.items() if org_id not in proposed]
    return render(
        request,
        "matching/solvers.html",
        {
            "challenge": challenge,
            "rows": rows,
            "other_invitations": others,
            "counts": invitation_counts(challenge.pk),
            "can_invite": challenge.accepts_applications(),
            "applied": applied,
        },
    )


@login_required
@require_POST
def invite(
    request: HttpRequest, challenge_id: int, organisation_id: int
) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    message = request.POST.get("message", "")
    if len(message) > MAX_MESSAGE:
        messages.error(
            request,
            _("The message is too long: at most %(max)d characters.")
            % {"max": MAX_MESSAGE},
        )
        return redirect(_here(challenge))
    try:
        invitation = invite_solver(
            challenge.pk,
            organisation_id,
            by_user_id=int(request.user.pk),  # type: ignore[arg-type]
            message=message,
        )
    except SolverError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "%(name)s has been invited; its members are told in the site and by "
                "email."
            )
            % {"name": invitation.organisation.name},
        )
    return redirect(_here(challenge))


@login_required
@require_POST
def refresh(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _challenge(request, challenge_id)
    if challenge.status != "published":
        messages.error(
            request, _("Solvers are proposed only while the challenge is published.")
        )
    else:
        count = refresh_solvers(challenge.pk)
        messages.success(
            request,
            ngettext(
                "%(count)d organisation proposed.",
                "%(count)d organisations proposed.",
                count,
            )
            % {"count": count},
        )
    return redirect(_here(challenge))
