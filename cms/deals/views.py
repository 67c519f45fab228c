"""Deal pages: my deals, a deal's page, the agents' pipeline board and the managers'
view of every pipeline.

A deal is read by its parties' members, its agent, moderators and managers
(``market.view_deal``); anyone else gets 404. Every write goes through
``market.services.deals``; a refusal comes back as field errors on the page it was
sent from (status 400) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cms.catalogue import listing_url
from cms.deals.forms import (
    STEP_FIELDS,
    AmountsForm,
    DocumentForm,
    FollowUpForm,
    MoveForm,
    NewDealForm,
    NoteForm,
    OfferForm,
    PaymentForm,
    put_errors,
)
from market.models import (
    DEAL_STAGE_ORDER,
    SIGNED_STAGES,
    Challenge,
    Deal,
    DealFollowUp,
    DealOffer,
    DealStage,
    OfferSide,
    OfferStatus,
)
from market.permissions import (
    can_create_deal,
    can_manage_deal,
    can_view,
    can_view_all_deals,
    can_view_deal,
    conversation_side,
    deal_side,
    is_deal_agent,
    member_organisation_ids,
    visible_deals,
)
from market.selectors import (
    agent_pipeline,
    deal_timeline,
    deals_with_parties,
    pipelines_by_agent,
)
from market.services import deals as service
from market.services.deals import (
    ACTION_LABELS,
    NEXT_ACTION,
    DealError,
    IllegalDealTransition,
    OfferData,
    StageData,
)

OFFER_STAGES = frozenset({DealStage.INTENT, DealStage.NEGOTIATION})


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk)  # type: ignore[arg-type]


def _deal(request: HttpRequest, pk: int) -> Deal:
    """The deal if the user may read it; 404 otherwise (also for a stranger)."""
    deal = (
        deals_with_parties()
        .select_related("outcome", "demand", "challenge", "conversation", "created_by")
        .filter(pk=pk)
        .first()
    )
    if deal is None or not can_view_deal(request.user, deal):
        raise Http404
    return deal


def _managed(request: HttpRequest, pk: int) -> Deal:
    deal = _deal(request, pk)
    if not can_manage_deal(request.user, deal):
        raise PermissionDenied
    return deal


def shows_commission(user: Any, deal: Deal) -> bool:
    """*Decision:* the commission is between the agent and the market: the agent,
    moderators and managers see it, the parties do not."""
    return is_deal_agent(user, deal) or can_view_all_deals(user)


def offer_side(user: Any, deal: Deal) -> str | None:
    """The side the user makes offers for: their party's, or "agent" for the deal's
    agent (and moderators) recording one on behalf of the parties."""
    side = deal_side(user, deal)
    if side is not None:
        return side
    if can_manage_deal(user, deal):
        return OfferSide.AGENT
    return None


# -- My deals ----------------------------------------------------------------------------


@never_cache
@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    """The deals of the user's organisations (and an agent's own), newest first."""
    deals = visible_deals(deals_with_parties(), request.user)
    if can_view_all_deals(request.user):
        # Managers read every deal (the managers' view); this list stays their own.
        organisations = member_organisation_ids(request.user)
        deals = deals.filter(
            Q(agent_id=request.user.pk)
            | Q(supplier_id__in=organisations)
            | Q(buyer_id__in=organisations)
        )
    return render(
        request,
        "deals/deal_list.html",
        {
            "deals": list(deals.order_by("-stage_changed_at", "-pk")[:200]),
            "can_create": can_create_deal(request.user),
            "can_see_pipelines": can_view_all_deals(request.user),
        },
    )


# -- A deal --------------------------------------------------------------------------------


def _move_forms(deal: Deal, bound: dict[str, MoveForm] | None = None) -> dict[str, Any]:
    """The next step's and the termination's forms, with the fields each needs."""
    bound = bound or {}
    result: dict[str, Any] = {}
    action = NEXT_ACTION.get(deal.stage)
    if action:
        form = bound.get(action) or MoveForm(prefix=f"d{deal.pk}")
        result["next"] = {
            "action": action,
            "label": ACTION_LABELS[action],
            "form": form,
            "fields": form.fields_for(action),
        }
    if deal.is_open:
        form = bound.get("terminate") or MoveForm(prefix=f"t{deal.pk}")
        result["terminate"] = {
            "action": "terminate",
            "label": ACTION_LABELS["terminate"],
            "form": form,
            "fields": form.fields_for("terminate"),
        }
    return result


def _detail(
    request: HttpRequest, deal: Deal, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    manage = can_manage_deal(user, deal)
    side = offer_side(user, deal)
    party = deal_side(user, deal)
    offers = list(deal.offers.select_related("by_user", "responds_to"))
    offering = deal.stage in OFFER_STAGES and side is not None
    for offer in offers:
        offer.can_accept = (
            offering
            and party is not None
            and offer.status == OfferStatus.OPEN
            and offer.side != party
        )
        offer.can_counter = (
            offering and offer.status == OfferStatus.OPEN and offer.side != side
        )
    staff = manage or can_view_all_deals(user)
    links = {
        name: listing_url(listing, request)
        for name, listing in (("outcome", deal.outcome), ("demand", deal.demand))
        if listing is not None and can_view(user, listing)
    }
    context = {
        "outcome_url": links.get("outcome"),
        "demand_url": links.get("demand"),
        "conversation_readable": deal.conversation is not None
        and conversation_side(user, deal.conversation) is not None,
        "deal": deal,
        "side": party,
        "offer_side": side,
        "can_manage": manage,
        "staff": staff,
        "show_commission": shows_commission(user, deal),
        "timeline": deal_timeline(deal.pk),
        "offers": offers,
        "offering": offering,
        "offer_form": forms.get("offer_form") or OfferForm(),
        "comparables": service.comparables(deal),
        "documents": deal.documents.select_related("document", "uploaded_by"),
        "document_form": forms.get("document_form") or DocumentForm(),
        "payments": deal.payments.select_related("recorded_by"),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "can_record_payment": manage and deal.stage in SIGNED_STAGES,
        "amounts_form": forms.get("amounts_form")
        or AmountsForm(
            initial={
                "contract_amount_wan": deal.contract_amount_wan,
                "transaction_amount_wan": deal.transaction_amount_wan,
                "commission_rate": deal.commission_rate,
                "commission_fixed_wan": deal.commission_fixed_wan,
            }
        ),
        "notes": deal.notes.select_related("author") if staff else (),
        "note_form": forms.get("note_form") or NoteForm(),
        "follow_ups": DealFollowUp.objects.filter(deal=deal, agent_id=user.pk)
        if manage
        else (),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "moves": _move_forms(deal, forms.get("move_forms")) if manage else {},
    }
    return render(request, "deals/deal_detail.html", context, status=status)


@never_cache
@login_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A deal: parties, stage and timeline, amounts, offers, comparables, documents,
    payments; the agent's notes and follow-ups."""
    return _detail(request, _deal(request, pk))


def _from_board(request: HttpRequest, deal: Deal) -> bool:
    """Sent from the pipeline board that shows this deal (the deal's agent's own)."""
    return request.POST.get("back") == "board" and deal.agent_id == request.user.pk


def _back(request: HttpRequest, deal: Deal) -> HttpResponse:
    if _from_board(request, deal):
        return redirect(f"{reverse('agents:pipeline')}#deal-{deal.pk}")
    return redirect("deals:detail", pk=deal.pk)


@login_required
@require_POST
def move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the deal from its page or the pipeline board."""
    deal = _managed(request, pk)
    if action not in STEP_FIELDS:
        raise Http404
    prefix = f"t{deal.pk}" if action == "terminate" else f"d{deal.pk}"
    form = MoveForm(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.move(
                deal.pk,
                action,
                by_user_id=_user_id(request),
                data=StageData(
                    reason=data["reason"] or "",
                    reason_code=data["reason_code"] or "",
                    signed_on=data["signed_on"],
                    contract_amount_wan=data["contract_amount_wan"],
                    transaction_amount_wan=data["transaction_amount_wan"],
                    registration_number=data["registration_number"] or "",
                    registered_on=data["registered_on"],
                    completed_on=data["completed_on"],
                ),
            )
        except IllegalDealTransition as error:
            # Not the step the page offers: say so above the page.
            messages.error(request, str(error.message))
            form.add_error(None, str(error.message))
        except DealError as error:
            put_errors(form, error)
        else:
            deal.refresh_from_db()
            messages.success(
                request,
                _("“%(title)s” is now at the stage “%(stage)s”.")
                % {"title": deal.title, "stage": deal.get_stage_display()},
            )
            return _back(request, deal)
    if not form.non_field_errors():
        form.add_error(None, _("The deal was not moved: correct the fields marked."))
    deal.refresh_from_db()
    if _from_board(request, deal):
        return _board(request, failed={deal.pk: {action: form}}, status=400)
    return _detail(request, deal, status=400, move_forms={action: form})


@login_required
@require_POST
def amounts(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _managed(request, pk)
    form = AmountsForm(request.POST)
    if form.is_valid():
        try:
            service.update_amounts(
                deal.pk, by_user_id=_user_id(request), **form.cleaned_data
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The amounts were saved."))
            return redirect("deals:detail", pk=deal.pk)
    return _detail(request, deal, status=400, amounts_form=form)


@login_required
@require_POST
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """An offer, or a counter-offer to an open offer of the other side."""
    deal = _deal(request, pk)
    side = offer_side(request.user, deal)
    if side is None:
        raise PermissionDenied
    form = OfferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.make_offer(
                deal.pk,
                OfferData(
                    structure=data["structure"],
                    total_wan=data["total_wan"],
                    upfront_wan=data["upfront_wan"],
                    milestones=form.milestone_rows(),
                    royalty_rate=data["royalty_rate"],
                    royalty_base=data["royalty_base"] or "",
                    royalty_years=data["royalty_years"],
                    equity_share=data["equity_share"],
                    note=data["note"] or "",
                ),
                side=side,
                by_user_id=_user_id(request),
                responds_to_id=data.get("responds_to"),
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Your offer was recorded."))
            return redirect("deals:detail", pk=deal.pk)
    if form.has_error("responds_to"):
        # A hidden choice: say it where the form shows it.
        form.add_error(None, _("That offer is no longer open."))
    return _detail(request, deal, status=400, offer_form=form)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    """A member of the other party accepts an open offer."""
    deal = _deal(request, pk)
    side = deal_side(request.user, deal)
    if side is None or not DealOffer.objects.filter(pk=offer_pk, deal=deal).exists():
        raise PermissionDenied
    try:
        service.accept_offer(offer_pk, side=side, by_user_id=_user_id(request))
    except DealError as error:
        messages.error(request, str(error.message))
        return _detail(request, deal, status=400)
    messages.success(request, _("You accepted the offer."))
    return redirect("deals:detail", pk=deal.pk)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF of the deal (contract, registration certificate…), checked like a
    listing's upload, from a member of a party, the agent or a moderator."""
    deal = _deal(request, pk)
    if deal_side(request.user, deal) is None and not can_manage_deal(
        request.user, deal
    ):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            service.add_documents(
                deal.pk,
                request.FILES.getlist("files"),
                kind=form.cleaned_data["kind"],
                by_user_id=_user_id(request),
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The document was uploaded."))
            return redirect("deals:detail", pk=deal.pk)
    return _detail(request, deal, status=400, document_form=form)


@login_required
@require_POST
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _managed(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            service.record_payment(
                deal.pk,
                amount_wan=form.cleaned_data["amount_wan"],
                paid_on=form.cleaned_data["paid_on"],
                note=form.cleaned_data["note"] or "",
                by_user_id=_user_id(request),
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("deals:detail", pk=deal.pk)
    return _detail(request, deal, status=400, payment_form=form)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _managed(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            service.add_note(
                deal.pk, body=form.cleaned_data["body"], by_user_id=_user_id(request)
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("Your note has been saved."))
            return _back(request, deal)
    return _detail(request, deal, status=400, note_form=form)


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _managed(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            service.set_follow_up(
                deal.pk,
                agent_id=_user_id(request),
                due_at=form.cleaned_data["due_at"],
                what=form.cleaned_data["what"] or "",
            )
        except DealError as error:
            put_errors(form, error)
        else:
            messages.success(
                request, _("The follow-up was set; you will be reminded once.")
            )
            return _back(request, deal)
    return _detail(request, deal, status=400, follow_up_form=form)


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    deal = _managed(request, pk)
    try:
        service.finish_follow_up(follow_up_pk, agent_id=_user_id(request))
    except DealError:
        raise Http404 from None
    messages.success(request, _("The follow-up is done."))
    return _back(request, deal)


# -- Creating deals --------------------------------------------------------------------


@never_cache
@login_required
def deal_create(request: HttpRequest) -> HttpResponse:
    """An agent enters a deal directly (they are its agent)."""
    if not can_create_deal(request.user):
        raise Http404
    form = NewDealForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                deal = service.create_deal(
                    by_user_id=_user_id(request),
                    supplier_id=data["supplier"].pk,
                    buyer_id=data["buyer"].pk,
                    mode=data["mode"],
                    title=data["title"] or "",
                    agent_id=_user_id(request),
                    outcome_id=data["outcome"].pk if data["outcome"] else None,
                    demand_id=data["demand"].pk if data["demand"] else None,
                )
            except DealError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("The deal was created."))
                return redirect("deals:detail", pk=deal.pk)
        return render(request, "deals/deal_form.html", {"form": form}, status=400)
    return render(request, "deals/deal_form.html", {"form": form})


@login_required
@require_POST
def from_award(request: HttpRequest, challenge_pk: int) -> HttpResponse:
    """A technology development deal from an awarded challenge (agents, moderators)."""
    if not can_create_deal(request.user):
        raise PermissionDenied
    if not Challenge.objects.filter(pk=challenge_pk).exists():
        raise Http404
    try:
        deal = service.create_from_award(
            challenge_pk, by_user_id=_user_id(request), agent_id=_user_id(request)
        )
    except DealError as error:
        messages.error(request, str(error.message))
        return redirect("workbench:challenge_detail", pk=challenge_pk)
    messages.success(request, _("The deal was created."))
    return redirect("deals:detail", pk=deal.pk)


# -- The agents' pipeline ----------------------------------------------------------------


def _board(
    request: HttpRequest,
    *,
    failed: dict[int, dict[str, MoveForm]] | None = None,
    status: int = 200,
) -> HttpResponse:
    failed = failed or {}
    columns, terminated = agent_pipeline(_user_id(request))
    for column in columns:
        for deal in column.deals:
            deal.moves = _move_forms(deal, failed.get(deal.pk))
    follow_ups = list(
        DealFollowUp.objects.filter(
            agent_id=request.user.pk, done_at__isnull=True
        ).select_related("deal")[:50]
    )
    return render(
        request,
        "deals/pipeline.html",
        {
            "columns": columns,
            "terminated": terminated,
            "follow_ups": follow_ups,
            "follow_up_form": FollowUpForm(),
            "stage_order": DEAL_STAGE_ORDER,
            "can_see_pipelines": can_view_all_deals(request.user),
        },
        status=status,
    )


@never_cache
@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """The agent's deals by stage, each with the button of its next step."""
    if not can_create_deal(request.user):
        raise Http404
    return _board(request)


@never_cache
@login_required
def pipelines(request: HttpRequest) -> HttpResponse:
    """Managers and moderators: every agent's deals and amounts by stage, commissions."""
    if not can_view_all_deals(request.user):
        raise Http404
    lines, total = pipelines_by_agent()
    stages = [*DEAL_STAGE_ORDER, DealStage.TERMINATED]
    return render(
        request,
        "deals/pipelines.html",
        {
            "lines": lines,
            "total": total,
            "stage_labels": [DealStage(stage).label for stage in stages],
        },
    )
