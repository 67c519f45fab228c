"""Workbench views for challenges (我的榜单) and applications (我的揭榜申请).

Issuers draft, submit, recall and withdraw their challenges and start the review of
the applications received; applicants apply (揭榜), edit and submit until the
deadline. Every write goes through market.services; these views parse the request,
call a service and turn its refusals into field errors or messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cms.workbench import kept_uploads
from cms.workbench.challenge_forms import (
    ApplicationForm,
    ChallengeForm,
    CriterionFormSet,
    IndicatorFormSet,
    MilestoneFormSet,
    PromoteDemandForm,
    ReasonForm,
    ResponseFormSet,
    linkable_outcomes,
    member_formset,
)
from cms.workbench.delivery_views import has_delivery
from cms.workbench.selectors import organisations_of
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    Demand,
    ListingStatus,
)
from market.params import parse_int, parse_page
from market.permissions import (
    can_edit_application,
    can_view_application,
    can_view_challenge,
    can_view_delivery,
    is_issuer,
    member_organisation_ids,
    visible_applications,
)
from market.services.applications import (
    ApplicationData,
    ApplicationError,
    submit_application,
)
from market.services.challenge_portal import (
    challenge_is_editable,
    save_application,
    save_challenge_draft,
)
from market.services.challenges import (
    ChallengeError,
    beijing_time,
    missing_for_submission,
    promote_demand,
    recall_challenge,
    start_review,
    submit_challenge,
    withdraw_challenge,
)

S = ChallengeStatus
PAGE_SIZE = 20
# The issuer's steps from each status (the services check them again).
ISSUER_ACTIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: ("submit", "withdraw"),
    S.REJECTED: ("submit", "withdraw"),
    S.SUBMITTED: ("recall", "withdraw"),
    S.PUBLISHED: ("withdraw",),
    S.CLOSED: ("start_review",),
}


def _action_labels() -> dict[str, str]:
    return {
        "submit": _("Submit for review"),
        "recall": _("Take back from review"),
        "withdraw": _("Withdraw the challenge"),
        "start_review": _("Start the review"),
    }


# -- issuer: my challenges ---------------------------------------------------------


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    """我的榜单: the challenges of the user's organisations, newest first."""
    org_ids = member_organisation_ids(request.user)
    status = request.GET.get("status", "")
    queryset = (
        Challenge.objects.filter(issuer_id__in=org_ids)
        .select_related("issuer", "campaign")
        .annotate(
            submitted_count=Count(
                "applications",
                filter=Q(applications__status=ApplicationStatus.SUBMITTED),
            )
        )
        .order_by("-updated_at", "-pk")
    )
    counts = dict(
        Challenge.objects.filter(issuer_id__in=org_ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    if status in S.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    page = Paginator(queryset, PAGE_SIZE).get_page(parse_page(request.GET.get("page")))
    return render(
        request,
        "workbench/challenges/list.html",
        {
            "organisations": organisations_of(org_ids),
            "page": page,
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in S.choices],
            "total": sum(counts.values()),
            "has_demands": _promotable_demands(org_ids).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest) -> HttpResponse:
    """A new challenge, saved as a draft."""
    organisations = organisations_of(member_organisation_ids(request.user))
    if not organisations:
        return render(request, "workbench/no_organisation.html", status=403)
    return _challenge_form(request, Challenge(), organisations)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft or rejected challenge of the user's organisation."""
    challenge = _issued(request, pk)
    if not challenge_is_editable(challenge):
        messages.error(
            request,
            _(
                "A challenge that is “%(status)s” cannot be edited; only drafts and "
                "rejected challenges can."
            )
            % {"status": challenge.get_status_display()},
        )
        return redirect("workbench:challenge_detail", pk=challenge.pk)
    return _challenge_form(request, challenge, [challenge.issuer])


def _challenge_form(
    request: HttpRequest, challenge: Challenge, organisations: list[Any]
) -> HttpResponse:
    data, files = _data(request)
    form = ChallengeForm(data, files, instance=challenge, organisations=organisations)
    indicators = IndicatorFormSet(
        data,
        prefix="ind",
        initial=[
            {
                "name": i.name,
                "direction": i.direction,
                "target_value": i.target_value.normalize(),
                "unit": i.unit,
                "measurement": i.measurement,
            }
            for i in challenge.indicators.all()
        ]
        if challenge.pk
        else None,
    )
    criteria = CriterionFormSet(
        data,
        prefix="crit",
        initial=[
            {"name": c.name, "weight": c.weight, "description": c.description}
            for c in challenge.review_criteria.all()
        ]
        if challenge.pk
        else None,
    )
    if data is None and challenge.pk and request.GET.get("missing"):
        _show_missing(form, indicators, criteria, missing_for_submission(challenge))
    if data is not None:
        valid = all([form.is_valid(), indicators.is_valid(), criteria.is_valid()])
        if valid:
            saved = _save_challenge(request, form, indicators, criteria, organisations)
            if saved is not None:
                kept_uploads.discard(request.user.pk, data)
                if "then_submit" in request.POST:
                    return _run_action(request, saved, "submit")
                messages.success(
                    request,
                    _("Saved as a draft. Submit it for review once it is complete."),
                )
                return redirect("workbench:challenge_edit", pk=saved.pk)
    kept_token, kept_names = "", []
    if form.is_bound:
        kept_token, kept_names = kept_uploads.keep(
            request.user.pk, getattr(form, "cleaned_data", {}), form.errors
        )
    stored = Challenge.objects.filter(pk=challenge.pk).first() if challenge.pk else None
    return render(
        request,
        "workbench/challenges/form.html",
        {
            "heading": _("Edit challenge") if stored else _("New challenge"),
            "form": form,
            "indicators": indicators,
            "criteria": criteria,
            "row_errors": form.is_bound
            and bool(indicators.total_error_count() or criteria.total_error_count()),
            "stored": stored,
            "organisations": organisations,
            "attachments": _ticked(form, stored),
            "missing_items": _missing_items(stored) if stored else [],
            "kept_token": kept_token,
            "kept_names": kept_names,
        },
    )


def _save_challenge(
    request: HttpRequest,
    form: ChallengeForm,
    indicators: Any,
    criteria: Any,
    organisations: list[Any],
) -> Challenge | None:
    challenge = form.instance
    if challenge.pk is None:
        chosen = form.cleaned_data.get("organisation") or organisations[0]
        if chosen.pk not in member_organisation_ids(request.user):
            raise Http404
        challenge.issuer = chosen
    try:
        return save_challenge_draft(
            challenge,
            by_user_id=request.user.pk,
            indicators=indicators.as_data(),
            criteria=criteria.as_data(),
            uploads=form.cleaned_data.get("attachment_uploads") or [],
            remove_attachment_ids=[
                row.pk for row in form.cleaned_data.get("remove_attachments") or []
            ],
        )
    except ChallengeError as error:
        if not Challenge.objects.filter(pk=challenge.pk).exists():
            challenge.pk = None  # the refused creation was rolled back
        _errors_to_form(form, indicators, criteria, error)
        return None


def _errors_to_form(form: Any, indicators: Any, criteria: Any, error: Any) -> None:
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    for name, found in error.errors.items():
        items = found if isinstance(found, list) else [found]
        for message in items:
            if name == "indicators":
                indicators._non_form_errors.append(str(message))
            elif name == "criteria":
                criteria._non_form_errors.append(str(message))
            elif name in form.fields:
                form.add_error(name, str(message))
            else:
                form.add_error(None, str(message))


def _show_missing(form: Any, indicators: Any, criteria: Any, missing: Any) -> None:
    """Mark what a submission lacks on the unbound form (after a refused submit)."""
    from django.forms.utils import ErrorDict, ErrorList

    form._errors = ErrorDict()
    form.cleaned_data = {}
    indicators._non_form_errors = ErrorList()
    criteria._non_form_errors = ErrorList()
    for name, message in missing.items():
        if name == "indicators":
            indicators._non_form_errors.append(str(message))
        elif name == "criteria":
            criteria._non_form_errors.append(str(message))
        else:
            form.add_error(name if name in form.fields else None, str(message))


def _ticked(form: ChallengeForm, challenge: Challenge | None) -> list[dict[str, Any]]:
    if challenge is None:
        return []
    ticked = (
        {str(v) for v in (form["remove_attachments"].value() or [])}
        if form.is_bound
        else set()
    )
    return [
        {"row": row, "checked": str(row.pk) in ticked}
        for row in challenge.attachments.select_related("document")
    ]


def _field_labels() -> dict[str, str]:
    labels = {
        name: str(field.label)
        for name, field in ChallengeForm.base_fields.items()
        if field.label
    }
    labels.update(
        {
            "background": _("Background"),
            "indicators": _("Indicators"),
            "criteria": _("Review criteria"),
            "field": _("Technology field"),
            "region": _("Region"),
        }
    )
    for name in ("objectives", "deliverables", "contact_name"):
        labels[name] = str(Challenge._meta.get_field(name).verbose_name).capitalize()
    return labels


def _missing_items(challenge: Challenge) -> list[tuple[str, str, str]]:
    if not challenge_is_editable(challenge):
        return []
    labels = _field_labels()
    return [
        (name, labels.get(name, name), str(message))
        for name, message in missing_for_submission(challenge).items()
    ]


def _promotable_demands(org_ids: set[int]) -> Any:
    return (
        Demand.objects.filter(
            organisation_id__in=org_ids, status=ListingStatus.PUBLISHED
        )
        .select_related("organisation")
        .order_by("title")
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_promote(request: HttpRequest) -> HttpResponse:
    """Start a draft challenge from one of the organisation's published demands."""
    org_ids = member_organisation_ids(request.user)
    if not org_ids:
        return render(request, "workbench/no_organisation.html", status=403)
    demands = _promotable_demands(org_ids)
    form = PromoteDemandForm(
        request.POST if request.method == "POST" else None, demands=demands
    )
    if request.method == "GET":
        chosen = parse_int(
            request.GET.get("demand"), minimum=1, maximum=2**31 - 1, default=None
        )
        if chosen is not None and demands.filter(pk=chosen).exists():
            form.fields["demand"].initial = chosen
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = promote_demand(
                data["demand"].pk,
                by_user_id=request.user.pk,
                bounty_wan=data["bounty_wan"],
                application_deadline=data["application_deadline"],
                duration_months=data["duration_months"],
            )
        except ChallengeError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _(
                    "A draft challenge was started from “%(title)s”. Add its "
                    "deliverables, indicators and review criteria, then submit it."
                )
                % {"title": data["demand"].title},
            )
            return redirect("workbench:challenge_edit", pk=challenge.pk)
    return render(
        request,
        "workbench/challenges/promote.html",
        {"form": form, "has_demands": demands.exists()},
    )


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A challenge as the workbench shows it: to its issuer with the status history,
    the steps and the applications received; to others with the apply button."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("issuer", "campaign", "field", "region"),
        pk=pk,
    )
    if not can_view_challenge(request.user, challenge):
        raise Http404
    issuer = is_issuer(request.user, challenge)
    org_ids = member_organisation_ids(request.user)
    context: dict[str, Any] = {
        "challenge": challenge,
        "is_issuer": issuer,
        "deadline": beijing_time(challenge.application_deadline),
        "accepts_applications": challenge.accepts_applications(),
        "indicators": challenge.indicators.all(),
        "criteria": challenge.review_criteria.all(),
        "attachments": challenge.attachments.select_related("document"),
        "own_applications": ChallengeApplication.objects.filter(
            challenge=challenge, lead_organisation_id__in=org_ids
        ).select_related("lead_organisation"),
        "show_delivery": has_delivery(challenge)
        and can_view_delivery(request.user, challenge),
    }
    if issuer:
        context.update(
            {
                "transitions": challenge.transitions.select_related("by_user"),
                "applications": visible_applications(
                    challenge.applications.select_related("lead_organisation"),
                    request.user,
                ),
                "actions": ISSUER_ACTIONS.get(challenge.status, ()),
                "action_labels": _action_labels(),
                "reason_form": ReasonForm(),
                "editable": challenge_is_editable(challenge),
                "missing_items": _missing_items(challenge),
            }
        )
    return render(request, "workbench/challenges/detail.html", context)


_ACTIONS = {
    "submit": submit_challenge,
    "recall": recall_challenge,
    "start_review": start_review,
}


@login_required
@require_POST
def challenge_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, recall, withdraw or start the review of one of the user's challenges."""
    if action not in (*_ACTIONS, "withdraw"):
        raise Http404
    return _run_action(request, _issued(request, pk), action)


def _run_action(
    request: HttpRequest, challenge: Challenge, action: str
) -> HttpResponse:
    detail = reverse("workbench:challenge_detail", args=[challenge.pk])
    try:
        if action == "withdraw":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason for this step."))
                return redirect(detail)
            withdraw_challenge(
                challenge.pk,
                by_user_id=request.user.pk,
                reason=form.cleaned_data["reason"],
            )
        else:
            _ACTIONS[action](challenge.pk, by_user_id=request.user.pk)
    except ChallengeError as error:
        if error.code == "incomplete":
            labels = _field_labels()
            parts = [
                f"{labels.get(name, name)}: {' '.join(found)}"
                for name, found in error.errors.items()
            ]
            messages.error(
                request,
                _("“%(title)s” cannot be submitted yet. %(reason)s %(fields)s")
                % {
                    "title": challenge.title,
                    "reason": error.message,
                    "fields": "; ".join(parts),
                },
            )
            return redirect(
                reverse("workbench:challenge_edit", args=[challenge.pk]) + "?missing=1"
            )
        messages.error(request, str(error.message))
        return redirect(detail)
    done = {
        "submit": _("“%(title)s” was sent to the moderators for review."),
        "recall": _("“%(title)s” was taken back from review and is a draft again."),
        "withdraw": _("“%(title)s” was withdrawn."),
        "start_review": _("The review of “%(title)s” has started."),
    }[action]
    messages.success(request, done % {"title": challenge.title})
    return redirect(detail)


def _issued(request: HttpRequest, pk: int) -> Challenge:
    """The challenge if one of the user's organisations issues it; 404 otherwise."""
    return get_object_or_404(
        Challenge.objects.select_related("issuer"),
        pk=pk,
        issuer_id__in=member_organisation_ids(request.user),
    )


# -- applicant: apply, edit, submit ----------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """我的揭榜申请: applications the user's organisations lead or take part in."""
    org_ids = member_organisation_ids(request.user)
    queryset = visible_applications(
        ChallengeApplication.objects.filter(
            Q(lead_organisation_id__in=org_ids)
            | Q(members__organisation_id__in=org_ids)
        ),
        request.user,
    )
    queryset = queryset.select_related("challenge", "lead_organisation").order_by(
        "-updated_at", "-pk"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(parse_page(request.GET.get("page")))
    now = timezone.now()
    return render(
        request,
        "workbench/challenges/applications.html",
        {
            "page": page,
            "rows": [
                {
                    "application": application,
                    "editable": application.lead_organisation_id in org_ids
                    and application.challenge.accepts_applications(now),
                    "deadline": beijing_time(
                        application.challenge.application_deadline
                    ),
                }
                for application in page.object_list
            ],
            "has_organisation": bool(org_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply (揭榜) to a published challenge before its deadline."""
    challenge = get_object_or_404(Challenge.objects.select_related("issuer"), pk=pk)
    if not can_view_challenge(request.user, challenge):
        raise Http404
    org_ids = member_organisation_ids(request.user)
    if not org_ids:
        return render(request, "workbench/no_organisation.html", status=403)
    refused = _closed_message(challenge)
    if refused:
        messages.error(request, refused)
        return redirect("workbench:challenge_detail", pk=challenge.pk)
    existing = list(
        ChallengeApplication.objects.filter(
            challenge=challenge, lead_organisation_id__in=org_ids
        ).select_related("lead_organisation")
    )
    taken = {a.lead_organisation_id for a in existing}
    choices = [
        org
        for org in organisations_of(org_ids)
        if org.pk != challenge.issuer_id and org.pk not in taken
    ]
    if not choices:
        return render(
            request,
            "workbench/challenges/already_applied.html",
            {"challenge": challenge, "existing": existing},
            status=409 if existing else 403,
        )
    return _application_form(request, challenge, None, choices, existing)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an application of the user's organisation until the deadline."""
    application = _application(request, pk)
    if not can_edit_application(request.user, application):
        raise PermissionDenied
    refused = _closed_message(application.challenge)
    if refused:
        messages.error(request, refused)
        return redirect("workbench:application_detail", pk=application.pk)
    return _application_form(request, application.challenge, application, None, [])


def _closed_message(challenge: Challenge) -> str:
    if challenge.accepts_applications():
        return ""
    if challenge.published_at is not None and (
        challenge.application_deadline <= timezone.now()
    ):
        return _(
            "The application deadline was %(deadline)s; applications can no longer "
            "be created or changed."
        ) % {"deadline": beijing_time(challenge.application_deadline)}
    return _("This challenge is not open for applications.")


def _application_form(
    request: HttpRequest,
    challenge: Challenge,
    application: ChallengeApplication | None,
    lead_choices: list[Any] | None,
    existing: list[ChallengeApplication],
) -> HttpResponse:
    data, files = _data(request)
    org_ids = member_organisation_ids(request.user)
    linked = (
        list(application.linked_outcomes.values_list("pk", flat=True))
        if (application)
        else []
    )
    initial: dict[str, Any] = {}
    if application is not None:
        initial = {
            "lead_share": application.lead_share.normalize(),
            "team_lead_name": application.team_lead_name,
            "proposal": application.proposal,
            "linked_outcomes": linked,
            "declarations_confirmed": application.declarations_confirmed,
        }
    form = ApplicationForm(
        data,
        files,
        initial=initial,
        lead_choices=lead_choices,
        outcomes=linkable_outcomes(org_ids, linked),
    )
    members = member_formset(challenge.max_consortium_members)(
        data,
        prefix="mem",
        initial=[
            {"organisation": m.organisation_id, "role": m.role, "share": m.share}
            for m in application.members.all()
        ]
        if application
        else None,
    )
    indicators = list(challenge.indicators.all())
    promised = (
        {r.indicator_id: r for r in application.responses.all()} if application else {}
    )
    responses = ResponseFormSet(
        data,
        prefix="resp",
        initial=[
            {
                "indicator": i.pk,
                "promised_value": (
                    promised[i.pk].promised_value.normalize()
                    if i.pk in promised
                    else None
                ),
                "approach": promised[i.pk].approach if i.pk in promised else "",
            }
            for i in indicators
        ],
    )
    milestones = MilestoneFormSet(
        data,
        prefix="ms",
        initial=[
            {
                "title": m.title,
                "month": m.month,
                "deliverable": m.deliverable,
                "budget_wan": m.budget_wan,
            }
            for m in application.milestones.all()
        ]
        if application
        else None,
    )
    sections: dict[str, list[str]] = {}
    if data is not None:
        valid = all(
            [
                form.is_valid(),
                members.is_valid(),
                responses.is_valid(),
                milestones.is_valid(),
            ]
        )
        if valid:
            saved = _save_application(
                request, challenge, application, form, members, responses, milestones
            )
            if isinstance(saved, ChallengeApplication):
                kept_uploads.discard(request.user.pk, data)
                return _after_application_save(request, saved)
            sections = saved
    kept_token, kept_names = "", []
    if form.is_bound:
        kept_token, kept_names = kept_uploads.keep(
            request.user.pk, getattr(form, "cleaned_data", {}), form.errors
        )
    by_pk = {i.pk: i for i in indicators}
    return render(
        request,
        "workbench/challenges/application_form.html",
        {
            "heading": _("Edit application") if application else _("Apply (揭榜)"),
            "challenge": challenge,
            "application": application,
            "deadline": beijing_time(challenge.application_deadline),
            "form": form,
            "members": members,
            "responses": [
                (
                    by_pk.get(_indicator_id(response_form)),
                    response_form,
                )
                for response_form in responses.forms
            ],
            "responses_formset": responses,
            "milestones": milestones,
            "sections": sections,
            "row_errors": bool(sections)
            or (
                form.is_bound
                and any(f.total_error_count() for f in (members, responses, milestones))
            ),
            "existing": existing,
            "kept_token": kept_token,
            "kept_names": kept_names,
        },
    )


def _indicator_id(form: Any) -> int | None:
    return parse_int(
        form["indicator"].value(), minimum=1, maximum=2**31 - 1, default=None
    )


def _save_application(
    request: HttpRequest,
    challenge: Challenge,
    application: ChallengeApplication | None,
    form: ApplicationForm,
    members: Any,
    responses: Any,
    milestones: Any,
) -> ChallengeApplication | dict[str, list[str]]:
    """Save and (when asked) submit; the application, or the errors per section."""
    cleaned = form.cleaned_data
    values = ApplicationData(
        team_lead_name=cleaned["team_lead_name"],
        proposal=cleaned.get("proposal") or "",
        lead_share=cleaned["lead_share"],
        members=members.as_data(),
        responses=responses.as_data(),
        milestones=milestones.as_data(),
        linked_outcome_ids=[o.pk for o in cleaned.get("linked_outcomes") or []],
        declarations_confirmed=bool(cleaned.get("declarations_confirmed")),
    )
    lead = cleaned.get("lead_organisation")
    try:
        saved = save_application(
            challenge_id=challenge.pk,
            application_id=application.pk if application else None,
            lead_organisation_id=lead.pk if lead else None,
            by_user_id=request.user.pk,
            data=values,
            proposal_upload=cleaned.get("proposal_document"),
        )
    except ApplicationError as error:
        return _application_errors(form, error)
    if "then_submit" in request.POST and saved.status != ApplicationStatus.SUBMITTED:
        try:
            saved = submit_application(saved.pk, by_user_id=request.user.pk)
        except ApplicationError as error:
            messages.error(
                request,
                _("The application was saved as a draft but not submitted: %(why)s")
                % {"why": _error_text(error)},
            )
            return saved
        messages.success(
            request,
            _("Your application to “%(title)s” was submitted.")
            % {"title": challenge.title},
        )
        return saved
    messages.success(
        request,
        _("Your application was saved. You can change it until %(deadline)s.")
        % {"deadline": beijing_time(challenge.application_deadline)},
    )
    return saved


def _error_text(error: ApplicationError) -> str:
    if not error.errors:
        return str(error.message)
    return " ".join(m for found in error.errors.values() for m in found)


def _application_errors(form: Any, error: ApplicationError) -> dict[str, list[str]]:
    """Field errors onto the form; the rest by section (members, responses …)."""
    sections: dict[str, list[str]] = {}
    if error.code == "duplicate" and "lead_organisation" in form.fields:
        form.add_error("lead_organisation", str(error.message))
        return sections
    if not error.errors:
        form.add_error(None, str(error.message))
        return sections
    for name, found in error.errors.items():
        if name in form.fields:
            for message in found:
                form.add_error(name, message)
        else:
            sections.setdefault(name, []).extend(found)
    return sections


def _after_application_save(
    request: HttpRequest, application: ChallengeApplication
) -> HttpResponse:
    if application.status == ApplicationStatus.SUBMITTED:
        return redirect("workbench:application_detail", pk=application.pk)
    return redirect("workbench:application_edit", pk=application.pk)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An application as its applicants, and once submitted its issuer, see it."""
    application = _application(request, pk)
    challenge = application.challenge
    return render(
        request,
        "workbench/challenges/application_detail.html",
        {
            "application": application,
            "challenge": challenge,
            "deadline": beijing_time(challenge.application_deadline),
            "editable": can_edit_application(request.user, application)
            and challenge.accepts_applications(),
            "closed_message": _closed_message(challenge),
            "members": application.members.select_related("organisation"),
            "responses": application.responses.select_related("indicator"),
            "milestones": application.milestones.all(),
            "outcomes": application.linked_outcomes.all(),
        },
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a complete application before the deadline."""
    application = _application(request, pk)
    if not can_edit_application(request.user, application):
        raise PermissionDenied
    try:
        submit_application(application.pk, by_user_id=request.user.pk)
    except ApplicationError as error:
        messages.error(request, _error_text(error))
        if error.code == "incomplete":
            return redirect("workbench:application_edit", pk=application.pk)
    else:
        messages.success(
            request,
            _("Your application to “%(title)s” was submitted.")
            % {"title": application.challenge.title},
        )
    return redirect("workbench:application_detail", pk=application.pk)


def _application(request: HttpRequest, pk: int) -> ChallengeApplication:
    application = get_object_or_404(
        ChallengeApplication.objects.select_related(
            "challenge", "challenge__issuer", "lead_organisation", "proposal_document"
        ),
        pk=pk,
    )
    if not can_view_application(request.user, application):
        raise Http404
    return application


def _data(request: HttpRequest) -> tuple[Any, Any]:
    if request.method == "POST":
        files, _restored = kept_uploads.restore(
            request.user.pk, request.POST, request.FILES
        )
        return request.POST, files
    return None, None
