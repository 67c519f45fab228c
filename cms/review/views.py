"""Expert review pages: parse, call a market service or selector, render.

Experts see only the panels they sit on and, once they have declared no conflict of
interest, the applications that passed the formal check; in a blind review the
applicants' organisations and people never reach their pages or exports. The issuer
(and the moderators) read the ranking; the issuer decides once the panel is closed.
Everything here is private: never cached.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cms.review.forms import (
    DeclarationForm,
    NoWinnerForm,
    ScoreForm,
    WinnerForm,
    criterion_field_name,
)
from market.imports.values import guard_formula
from market.models import (
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    ExpertAssignment,
    ReviewPanel,
    ScoreSheet,
)
from market.permissions import (
    applicant_hidden_from,
    can_moderate,
    can_view_application,
    can_view_ranking,
    is_assigned_expert,
    is_expert,
    is_issuer,
)
from market.selectors import (
    blind_codes,
    expert_assignments,
    panel_applications,
    review_ranking,
)
from market.services.challenges import ChallengeError, beijing_time
from market.services.review import (
    confirm_winner,
    declare_no_conflict,
    declare_no_winner,
    score_application,
)


def _user_id(request: HttpRequest) -> int:
    # Every view here is behind login_required.
    return int(request.user.pk)  # type: ignore[arg-type]


def _panel_closed(challenge: Challenge) -> bool:
    panel = ReviewPanel.objects.filter(challenge=challenge).first()
    return panel is not None and panel.is_closed


def _assignment(request: HttpRequest, challenge_id: int) -> ExpertAssignment:
    """The user's seat on the challenge's panel, or 404 (no hint that it exists)."""
    if not is_expert(request.user):
        raise Http404
    assignment = (
        ExpertAssignment.objects.select_related("challenge")
        .filter(challenge_id=challenge_id, expert_id=request.user.pk)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def _can_score(user: Any, application: ChallengeApplication) -> bool:
    challenge = application.challenge
    return (
        challenge.status == ChallengeStatus.UNDER_REVIEW
        and not _panel_closed(challenge)
        and is_assigned_expert(user, application)
    )


@never_cache
@login_required
def expert_home(request: HttpRequest) -> HttpResponse:
    """The panels the expert sits on."""
    if not is_expert(request.user):
        raise Http404
    return render(
        request,
        "review/expert_home.html",
        {"assignments": expert_assignments(request.user)},
    )


def _panel_context(
    request: HttpRequest, assignment: ExpertAssignment, form: DeclarationForm | None
) -> dict[str, Any]:
    challenge = assignment.challenge
    rows: list[dict[str, Any]] = []
    if assignment.has_declared:
        codes = blind_codes(challenge.pk)
        sheets = {
            sheet.application_id: sheet
            for sheet in ScoreSheet.objects.filter(
                expert_id=request.user.pk, application__challenge=challenge
            )
        }
        for application in panel_applications(challenge.pk):
            rows.append(
                {
                    "application": application,
                    "code": codes.get(application.pk, ""),
                    "hidden": applicant_hidden_from(request.user, application),
                    "sheet": sheets.get(application.pk),
                }
            )
    return {
        "challenge": challenge,
        "assignment": assignment,
        "form": form or DeclarationForm(),
        "rows": rows,
        "panel_closed": _panel_closed(challenge),
        "deadline": beijing_time(challenge.application_deadline),
    }


@never_cache
@login_required
def panel(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The expert's view of one panel: the declaration first, then the applications."""
    assignment = _assignment(request, challenge_id)
    return render(
        request, "review/panel.html", _panel_context(request, assignment, None)
    )


@never_cache
@login_required
@require_POST
def declare(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """POST: declare no conflict of interest (declare_no_conflict)."""
    assignment = _assignment(request, challenge_id)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            declare_no_conflict(challenge_id, expert_id=_user_id(request))
        except ChallengeError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you; the applications are open to you."))
            return redirect("review:panel", challenge_id=challenge_id)
    return render(
        request,
        "review/panel.html",
        _panel_context(request, assignment, form),
        status=400,
    )


def _visible_application(
    request: HttpRequest, challenge_id: int, application_id: int
) -> ChallengeApplication:
    application = get_object_or_404(
        ChallengeApplication.objects.select_related(
            "challenge", "lead_organisation", "proposal_document"
        ),
        pk=application_id,
        challenge_id=challenge_id,
    )
    if not can_view_application(request.user, application):
        raise Http404
    return application


def _score_form(
    request: HttpRequest, application: ChallengeApplication, data: Any = None
) -> ScoreForm:
    criteria = list(application.challenge.review_criteria.all())
    initial: dict[str, Any] = {}
    sheet = (
        ScoreSheet.objects.filter(application=application, expert_id=request.user.pk)
        .prefetch_related("scores")
        .first()
    )
    if sheet is not None:
        initial = {
            criterion_field_name(s.criterion_id): s.score for s in sheet.scores.all()
        }
        initial["comment"] = sheet.comment
    return ScoreForm(data, criteria=criteria, initial=initial)


def _application_context(
    request: HttpRequest, application: ChallengeApplication, form: ScoreForm | None
) -> dict[str, Any]:
    can_score = _can_score(request.user, application)
    sheet = ScoreSheet.objects.filter(
        application=application, expert_id=request.user.pk
    ).first()
    return {
        "challenge": application.challenge,
        "application": application,
        "code": blind_codes(application.challenge_id).get(application.pk, ""),
        "hidden": applicant_hidden_from(request.user, application),
        "members": application.members.select_related("organisation"),
        "responses": application.responses.select_related("indicator"),
        "milestones": application.milestones.all(),
        "can_score": can_score,
        "form": form
        if form is not None
        else (_score_form(request, application) if can_score else None),
        "sheet": sheet,
        "is_expert_view": is_assigned_expert(request.user, application),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def application_page(
    request: HttpRequest, challenge_id: int, application_id: int
) -> HttpResponse:
    """An application as the review reads it; the assigned expert scores it here."""
    application = _visible_application(request, challenge_id, application_id)
    if request.method != "POST":
        return render(
            request,
            "review/application.html",
            _application_context(request, application, None),
        )
    if not is_assigned_expert(request.user, application):
        raise Http404
    form = _score_form(request, application, request.POST)
    if form.is_valid():
        try:
            sheet = score_application(
                application.pk,
                expert_id=_user_id(request),
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ChallengeError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.errors:
                form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Your scores are saved (total %(total)s, revision %(revision)s).")
                % {"total": sheet.total, "revision": sheet.revision},
            )
            return redirect("review:panel", challenge_id=challenge_id)
    return render(
        request,
        "review/application.html",
        _application_context(request, application, form),
        status=400,
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def proposal_download(
    request: HttpRequest, challenge_id: int, application_id: int
) -> FileResponse:
    """The proposal PDF of an application, to whoever may read the application, under
    a neutral file name (in blind review the uploaded name could name the applicant)."""
    application = _visible_application(request, challenge_id, application_id)
    document = application.proposal_document
    if document is None:
        raise Http404
    code = blind_codes(application.challenge_id).get(application.pk, "")
    name = f"proposal-{code or application.pk}.pdf"
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )


@never_cache
@login_required
def my_scores_export(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The expert's own score sheets of one panel as CSV (blind: codes only)."""
    assignment = _assignment(request, challenge_id)
    if not assignment.has_declared:
        raise Http404
    challenge = assignment.challenge
    criteria = list(challenge.review_criteria.all())
    codes = blind_codes(challenge.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="review-{challenge.pk}-scores.csv"'
    )
    response.write("\ufeff")  # Excel reads UTF-8 with the BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Application"),
            _("Applicant"),
            *(guard_formula(c.name) for c in criteria),
            _("Weighted total"),
            _("Revision"),
            _("Comment"),
        ]
    )
    sheets = (
        ScoreSheet.objects.filter(
            expert_id=request.user.pk, application__challenge=challenge
        )
        .select_related("application__lead_organisation", "application__challenge")
        .prefetch_related("scores")
        .order_by("application__created_at", "application_id")
    )
    for sheet in sheets:
        scores = {s.criterion_id: s.score for s in sheet.scores.all()}
        application = sheet.application
        writer.writerow(
            [
                codes.get(application.pk, ""),
                ""
                if applicant_hidden_from(request.user, application)
                else guard_formula(application.lead_organisation.name),
                *(scores.get(c.pk, "") for c in criteria),
                sheet.total,
                sheet.revision,
                # Typed by the expert: a spreadsheet must not run it as a formula.
                guard_formula(sheet.comment),
            ]
        )
    return response


def _ranking_challenge(request: HttpRequest, challenge_id: int) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("issuer", "awarded_application"),
        pk=challenge_id,
    )
    if not can_view_ranking(request.user, challenge):
        raise Http404
    return challenge


def _winner_choices(ranking: list[Any]) -> list[tuple[int, str]]:
    return [
        (
            row.application.pk,
            f"{row.rank}. {row.application.lead_organisation.name} "
            f"({row.aggregate.result})",
        )
        for row in ranking
        if row.rank is not None
    ]


def _ranking_context(
    request: HttpRequest,
    challenge: Challenge,
    winner_form: WinnerForm | None = None,
    no_winner_form: NoWinnerForm | None = None,
) -> dict[str, Any]:
    ranking = review_ranking(challenge.pk)
    panel_closed = _panel_closed(challenge)
    can_decide = (
        is_issuer(request.user, challenge)
        and challenge.status == ChallengeStatus.UNDER_REVIEW
        and panel_closed
    )
    # The issuer sees the scores once they are final, so that interim results
    # cannot be used to press the experts; the moderators follow the scoring.
    show_scores = panel_closed or can_moderate(request.user)
    return {
        "challenge": challenge,
        "ranking": ranking if show_scores else [],
        "show_scores": show_scores,
        "panel_closed": panel_closed,
        "can_decide": can_decide,
        "is_moderator": can_moderate(request.user),
        "winner_form": winner_form or WinnerForm(choices=_winner_choices(ranking)),
        "no_winner_form": no_winner_form or NoWinnerForm(),
        "awarded_at": beijing_time(challenge.awarded_at)
        if challenge.awarded_at
        else "",
        "objection_ends": beijing_time(challenge.objection_period_ends_at)
        if challenge.objection_period_ends_at
        else "",
    }


@never_cache
@login_required
def ranking(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The panel's ranking for the issuer and the moderators; the issuer's decision."""
    challenge = _ranking_challenge(request, challenge_id)
    return render(request, "review/ranking.html", _ranking_context(request, challenge))


@never_cache
@login_required
@require_POST
def decide(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """POST: the issuer confirms the winner, or declares that none is suitable."""
    challenge = _ranking_challenge(request, challenge_id)
    if not is_issuer(request.user, challenge):
        raise Http404
    winner_form = no_winner_form = None
    if request.POST.get("decision") == "none":
        no_winner_form = NoWinnerForm(request.POST)
        form: Any = no_winner_form
    else:
        winner_form = WinnerForm(
            request.POST, choices=_winner_choices(review_ranking(challenge.pk))
        )
        form = winner_form
    if form.is_valid():
        try:
            if no_winner_form is not None:
                declare_no_winner(
                    challenge.pk,
                    by_user_id=_user_id(request),
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("The challenge ends without a winner; the reason is published."),
                )
            else:
                decided = confirm_winner(
                    challenge.pk,
                    application_id=form.cleaned_data["application"],
                    by_user_id=_user_id(request),
                    announcement=form.cleaned_data["announcement"],
                )
                assert decided.objection_period_ends_at is not None
                messages.success(
                    request,
                    _("The award is announced; objections can be raised until %(end)s.")
                    % {"end": beijing_time(decided.objection_period_ends_at)},
                )
        except ChallengeError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect(reverse("review:ranking", args=[challenge.pk]))
    challenge.refresh_from_db()
    return render(
        request,
        "review/ranking.html",
        _ranking_context(request, challenge, winner_form, no_winner_form),
        status=400,
    )
