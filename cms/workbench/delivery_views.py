"""Workbench views for the delivery of an awarded challenge (交付与验收 · 兑现).

The issuer's members (and the moderators) start the work, agree the milestones,
accept them with measured values and evidence, record the final acceptance and the
payouts; the winning team reads the same page. Every write goes through
market.services.delivery; refusals come back as field errors, and what was typed
(and the checked files, through ``kept_uploads``) is kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cms.workbench import kept_uploads
from cms.workbench.delivery_forms import (
    AcceptanceForm,
    DeliveryMilestoneFormSet,
    MeasurementFormSet,
    PayOutForm,
    PayoutForm,
    milestone_initial,
)
from market.models import (
    Challenge,
    ChallengeIndicator,
    ChallengeStatus,
    DeliveryMilestone,
)
from market.params import parse_int
from market.permissions import can_record_delivery, can_view_delivery
from market.selectors import achieved_values, delivery_overview
from market.services.challenges import ChallengeError, beijing_time, start_delivery
from market.services.delivery import (
    PAYOUT_STATUSES,
    accept_challenge,
    accept_milestone,
    milestones_editable,
    pay_out_challenge,
    record_payout,
    save_milestones,
    wan_label,
)

S = ChallengeStatus
# From the award on a challenge has a delivery page (terminated ones keep theirs).
DELIVERY_STATUSES = frozenset(
    {S.AWARDED, S.IN_PROGRESS, S.ACCEPTED, S.PAID_OUT, S.TERMINATED}
)


def has_delivery(challenge: Challenge) -> bool:
    """Whether the challenge has a delivery page (awarded, with a winner)."""
    return (
        challenge.status in DELIVERY_STATUSES
        and challenge.awarded_application_id is not None
    )


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    """The challenge if the user may read its delivery; 404 otherwise."""
    challenge = get_object_or_404(
        Challenge.objects.select_related(
            "issuer", "awarded_application__lead_organisation"
        ),
        pk=pk,
    )
    if not has_delivery(challenge) or not can_view_delivery(request.user, challenge):
        raise Http404
    return challenge


def _recordable(request: HttpRequest, pk: int) -> Challenge:
    """The challenge if the user records its delivery; the winning team gets 403."""
    challenge = _challenge(request, pk)
    if not can_record_delivery(request.user, challenge):
        raise PermissionDenied
    return challenge


def _data(request: HttpRequest) -> tuple[Any, Any]:
    if request.method == "POST":
        files, _restored = kept_uploads.restore(
            request.user.pk, request.POST, request.FILES
        )
        return request.POST, files
    return None, None


def _page(challenge: Challenge) -> Any:
    return redirect("workbench:delivery", pk=challenge.pk)


@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery of an awarded challenge: milestones, acceptance, payouts, log."""
    challenge = _challenge(request, pk)
    recorder = can_record_delivery(request.user, challenge)
    overview = delivery_overview(challenge)
    return render(
        request,
        "workbench/challenges/delivery.html",
        {
            "challenge": challenge,
            "winner": challenge.awarded_application,
            "overview": overview,
            "can_record": recorder,
            "can_start": recorder and challenge.status == S.AWARDED,
            "objection_end": beijing_time(challenge.objection_period_ends_at)
            if challenge.objection_period_ends_at
            else "",
            "milestones_editable": recorder and milestones_editable(challenge),
            "can_accept": recorder and challenge.status == S.IN_PROGRESS,
            "can_record_payout": recorder and challenge.status in PAYOUT_STATUSES,
            "can_pay_out": recorder and challenge.status == S.ACCEPTED,
            "pay_out_form": PayOutForm(),
            "bounty": wan_label(challenge.bounty_wan),
            "paid": wan_label(overview.paid),
            "remaining": wan_label(overview.remaining),
            "transitions": challenge.transitions.select_related("by_user"),
        },
    )


@login_required
@require_POST
def delivery_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the work of an awarded challenge once its objection period is over."""
    challenge = _recordable(request, pk)
    try:
        start_delivery(challenge.pk, by_user_id=request.user.pk)
    except ChallengeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "The work has started. The milestones of the winning application are "
                "agreed; change them until the first is accepted."
            ),
        )
    return _page(challenge)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree the milestones: change, add or remove them until the first is accepted."""
    challenge = _recordable(request, pk)
    if not milestones_editable(challenge):
        messages.error(
            request,
            _(
                "The milestones can be changed while the work is in progress, until "
                "the first is accepted."
            ),
        )
        return _page(challenge)
    indicators = challenge.indicators.all()
    stored = list(challenge.delivery_milestones.prefetch_related("indicators"))
    formset = DeliveryMilestoneFormSet(
        request.POST if request.method == "POST" else None,
        prefix="ms",
        initial=milestone_initial(stored),
        form_kwargs={"indicators": indicators},
    )
    if formset.is_bound and formset.is_valid():
        try:
            save_milestones(
                challenge.pk, by_user_id=request.user.pk, milestones=formset.as_data()
            )
        except ChallengeError as error:
            for message in error.errors.get("milestones") or [str(error.message)]:
                formset._non_form_errors.append(message)
        else:
            messages.success(request, _("The milestones are saved."))
            return _page(challenge)
    return render(
        request,
        "workbench/challenges/delivery_milestones.html",
        {"challenge": challenge, "formset": formset},
        status=400 if formset.is_bound else 200,
    )


def _measurement_rows(
    formset: Any, indicators: list[ChallengeIndicator], known: dict[int, Any]
) -> list[tuple[ChallengeIndicator | None, Any, Any]]:
    by_pk = {i.pk: i for i in indicators}
    rows = []
    for form in formset.forms:
        indicator_id = parse_int(
            form["indicator"].value(), minimum=1, maximum=2**31 - 1, default=None
        )
        indicator = by_pk.get(indicator_id) if indicator_id else None
        rows.append(
            (indicator, form, known.get(indicator_id) if indicator_id else None)
        )
    return rows


def _errors_onto(form: AcceptanceForm, formset: Any, error: ChallengeError) -> None:
    """A refusal's messages onto the measurement rows and the acceptance form."""
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    rows = {}
    for row in formset.forms:
        value = row["indicator"].value()
        rows[f"indicator_{value}"] = row
    for name, found in error.errors.items():
        for message in found:
            if name in rows:
                rows[name].add_error("measured_value", message)
            elif name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)


def _acceptance(
    request: HttpRequest,
    challenge: Challenge,
    indicators: list[ChallengeIndicator],
    *,
    milestone: DeliveryMilestone | None,
) -> HttpResponse:
    data, files = _data(request)
    form = AcceptanceForm(data, files)
    formset = MeasurementFormSet(
        data, prefix="m", initial=[{"indicator": i.pk} for i in indicators]
    )
    known = (
        {}
        if milestone is not None
        else {
            indicator_id: value
            for (_challenge_id, indicator_id), value in achieved_values(
                [challenge.pk]
            ).items()
        }
    )
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        try:
            if milestone is None:
                accept_challenge(
                    challenge.pk,
                    by_user_id=request.user.pk,
                    measurements=formset.as_data(),
                    reason=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence_uploads"],
                )
            else:
                accept_milestone(
                    milestone.pk,
                    by_user_id=request.user.pk,
                    measurements=formset.as_data(),
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence_uploads"],
                )
        except ChallengeError as error:
            _errors_onto(form, formset, error)
        else:
            kept_uploads.discard(request.user.pk, data)
            messages.success(
                request,
                _("The acceptance of “%(title)s” is recorded.")
                % {"title": milestone.title if milestone else challenge.title},
            )
            return _page(challenge)
    kept_token, kept_names = "", []
    if form.is_bound:
        kept_token, kept_names = kept_uploads.keep(
            request.user.pk, getattr(form, "cleaned_data", {}), form.errors
        )
    return render(
        request,
        "workbench/challenges/delivery_acceptance.html",
        {
            "challenge": challenge,
            "milestone": milestone,
            "form": form,
            "formset": formset,
            "rows": _measurement_rows(formset, indicators, known),
            "row_errors": form.is_bound and bool(formset.total_error_count()),
            "kept_token": kept_token,
            "kept_names": kept_names,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_accept(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """Accept a milestone: a measured value per indicator it must show, evidence."""
    challenge = _recordable(request, pk)
    milestone = get_object_or_404(
        DeliveryMilestone.objects.prefetch_related("indicators"),
        pk=milestone_pk,
        challenge=challenge,
    )
    if challenge.status != S.IN_PROGRESS or milestone.is_accepted:
        messages.error(
            request,
            _("“%(title)s” cannot be accepted now; it is %(status)s.")
            % {
                "title": milestone.title,
                "status": milestone.get_status_display(),
            },
        )
        return _page(challenge)
    return _acceptance(
        request, challenge, list(milestone.indicators.all()), milestone=milestone
    )


@login_required
@require_http_methods(["GET", "POST"])
def final_acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    """The final acceptance (验收): a value for every indicator not yet measured."""
    challenge = _recordable(request, pk)
    if challenge.status != S.IN_PROGRESS:
        messages.error(
            request,
            _("Only a challenge in progress can be accepted; this one is “%(status)s”.")
            % {"status": challenge.get_status_display()},
        )
        return _page(challenge)
    return _acceptance(
        request, challenge, list(challenge.indicators.all()), milestone=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def payout_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment of the bounty."""
    challenge = _recordable(request, pk)
    if challenge.status not in PAYOUT_STATUSES:
        messages.error(
            request,
            _("A challenge that is “%(status)s” takes no payouts.")
            % {"status": challenge.get_status_display()},
        )
        return _page(challenge)
    form = PayoutForm(
        request.POST if request.method == "POST" else None,
        milestones=challenge.delivery_milestones.all(),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            record_payout(
                challenge.pk,
                by_user_id=request.user.pk,
                amount_wan=data["amount_wan"],
                paid_on=data["paid_on"],
                milestone_id=data["milestone"].pk if data["milestone"] else None,
                reference=data["reference"],
                note=data["note"],
            )
        except ChallengeError as error:
            for name, found in (error.errors or {None: [str(error.message)]}).items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The payout is recorded."))
            return _page(challenge)
    overview = delivery_overview(challenge)
    return render(
        request,
        "workbench/challenges/delivery_payout.html",
        {
            "challenge": challenge,
            "form": form,
            "bounty": wan_label(challenge.bounty_wan),
            "paid": wan_label(overview.paid),
            "remaining": wan_label(overview.remaining),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def pay_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an accepted challenge as paid out (兑现)."""
    challenge = _recordable(request, pk)
    form = PayOutForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        pay_out_challenge(challenge.pk, by_user_id=request.user.pk, reason=reason)
    except ChallengeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("“%(title)s” is paid out.") % {"title": challenge.title}
        )
    return _page(challenge)
