"""Views of the workbench (我的工作台): owners create, edit and steer their listings.

Every write goes through market.services.listings; these views parse the request,
call the service and turn its refusals into messages or field errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cms.catalogue import listing_url
from cms.workbench import kept_uploads
from cms.workbench.forms import (
    DemandForm,
    IPRightForm,
    IPRightFormSet,
    ListingForm,
    OutcomeForm,
)
from cms.workbench.selectors import OWNER_ACTIONS, organisations_of, workbench
from config import throttle
from market.changes import pending_changes
from market.completeness import assess
from market.models import (
    Demand,
    IPRight,
    Listing,
    ListingStatus,
    Maturity,
    Outcome,
)
from market.params import parse_int, parse_page
from market.permissions import can_create_for, member_organisation_ids
from market.services.listings import (
    ListingError,
    SubmissionIncomplete,
    archive_listing,
    discard_changes,
    missing_for_submission,
    pending_children,
    pending_draft,
    renew_listing,
    submit_listing,
    withdraw_listing,
)
from market.services.media import MediaChanges, save_listing_with_media

S = ListingStatus
KIND_FORMS: dict[type[Listing], type[ListingForm]] = {
    Outcome: OutcomeForm,
    Demand: DemandForm,
}
_KIND_MODELS: dict[str, type[Listing]] = {"outcome": Outcome, "demand": Demand}
NOTIFYING_ACTIONS = frozenset({"submit", "renew"})
ACTION_SERVICES = {
    "submit": submit_listing,
    "withdraw": withdraw_listing,
    "renew": renew_listing,
    "archive": archive_listing,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The owner's listings of every organisation they belong to."""
    status = request.GET.get("status", "")
    bench = workbench(
        member_organisation_ids(request.user),
        status=status,
        page_number=parse_page(request.GET.get("page")),
    )
    statuses = [
        (value, label, bench.status_counts.get(value, 0)) for value, label in S.choices
    ]
    return render(
        request,
        "workbench/home.html",
        {
            "bench": bench,
            "status": status if status in S.values else "",
            "statuses": statuses,
            "action_labels": _action_labels(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest) -> HttpResponse:
    """A new research outcome, saved as a draft."""
    return _create(request, Outcome)


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: HttpRequest) -> HttpResponse:
    """A new technology demand, saved as a draft."""
    return _create(request, Demand)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one of the user's research outcomes."""
    return _edit(request, _owned(request, Outcome, pk))


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one of the user's technology demands."""
    return _edit(request, _owned(request, Demand, pk))


@login_required
@require_POST
def listing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, withdraw, renew or archive one of the user's listings."""
    if action not in ACTION_SERVICES:
        raise Http404
    listing = _owned(request, Listing, pk)
    # Submitting (and renewing, which submits again) notifies the moderators.
    ticket = (
        throttle.take_message(request)
        if action in NOTIFYING_ACTIONS
        else throttle.Ticket()  # counts nothing
    )
    if ticket is None:
        messages.error(request, throttle.message_refused())
        return redirect(_next_url(request))
    try:
        changed = ACTION_SERVICES[action](listing.pk, by_user_id=request.user.pk)
    except SubmissionIncomplete as error:
        ticket.give_back()
        messages.error(request, _incomplete_message(listing, error))
        return redirect(_edit_url(listing) + "?missing=1")
    except ListingError as error:
        ticket.give_back()
        messages.error(request, str(error.message))
    else:
        messages.success(request, _action_done_message(action, changed))
    return redirect(_next_url(request))


def _create(request: HttpRequest, model: type[Listing]) -> HttpResponse:
    organisations = organisations_of(member_organisation_ids(request.user))
    if not organisations:
        return render(request, "workbench/no_organisation.html", status=403)
    listing = model()
    form_class = KIND_FORMS[model]
    data, files = _data(request)
    form = form_class(data, files, instance=listing, organisations=organisations)
    formset = _ip_formset(listing, data)
    if data is not None and _all_valid(form, formset):
        chosen = form.cleaned_data.get("organisation") or organisations[0]
        if not can_create_for(request.user, chosen.pk):
            raise Http404
        listing.organisation = chosen
        try:
            listing = _save(form, formset, request.user.pk)
        except ListingError as error:
            messages.error(request, str(error.message))
        else:
            kept_uploads.discard(request.user.pk, data)
            messages.success(
                request,
                _("Saved as a draft. Submit it for review once it is complete."),
            )
            return _after_save(request, listing)
    return _render_form(request, form, formset, listing, organisations)


def _edit(request: HttpRequest, listing: Listing) -> HttpResponse:
    form_class = KIND_FORMS[type(listing)]
    data, files = _data(request)
    # Changes waiting beside the published version: the owner goes on editing them.
    draft = pending_draft(listing)
    form = form_class(data, files, instance=draft or listing)
    if draft is not None:
        form.fields["modes"].initial = draft.pending_modes  # type: ignore[attr-defined]
        form.fields["loaded_revision_id"].initial = listing.latest_revision_id or 0
    formset = _ip_formset(listing, data)
    if data is None and request.GET.get("missing"):
        form.show_missing(missing_for_submission(draft or listing))
    if data is not None and _all_valid(form, formset):
        was_published = listing.status == S.PUBLISHED
        try:
            saved = _save(form, formset, request.user.pk)
        except ListingError as error:
            messages.error(request, str(error.message))
        else:
            kept_uploads.discard(request.user.pk, data)
            if was_published:
                messages.success(
                    request,
                    _(
                        "Your changes were saved and sent to the moderators. The "
                        "public keeps seeing the published version until they "
                        "approve the changes."
                    ),
                )
                return redirect(_edit_url(saved))
            messages.success(request, _("Your changes were saved."))
            return _after_save(request, saved)
    return _render_form(
        request, form, formset, draft or listing, [listing.organisation]
    )


@login_required
@require_POST
def discard_changes_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the changes waiting beside a published listing."""
    listing = _owned(request, Listing, pk)
    try:
        discard_changes(listing.pk, by_user_id=request.user.pk)
    except ListingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "Your changes to “%(title)s” were withdrawn; the published version stays."
            )
            % {"title": listing.title},
        )
    return redirect(_next_url(request))


def _form_for_check(
    request: HttpRequest, model: type[Listing], pk: int | None
) -> tuple[ListingForm, Listing]:
    """The owner's form bound to the posted data, never saved: its instance holds
    the values as they would be stored (fields that fail keep their old value)."""
    if pk is None:
        organisations = organisations_of(member_organisation_ids(request.user))
        if not organisations:
            raise Http404
        base: Listing = model(organisation=organisations[0])
    else:
        live = _owned(request, model, pk)
        base = pending_draft(live) or live
    form = KIND_FORMS[model](request.POST, None, instance=base)
    form.is_valid()
    return form, form.instance


def _posted_modes(form: ListingForm) -> list[Any]:
    modes = form.cleaned_data.get("modes") if hasattr(form, "cleaned_data") else None
    return list(modes or [])


@login_required
@require_POST
def completeness_check(request: HttpRequest, kind: str) -> JsonResponse:
    """POST the form's fields: the completeness panel for them, as JSON (the
    workbench updates it while the owner types). Nothing is saved."""
    model = _KIND_MODELS.get(kind)
    if model is None:
        raise Http404
    pk = parse_int(request.GET.get("pk"), minimum=1, maximum=2**31 - 1, default=None)
    form, instance = _form_for_check(request, model, pk)
    missing = missing_for_submission(instance, has_modes=bool(_posted_modes(form)))
    labels = _field_labels(instance)
    completeness = assess(instance)
    html = render_to_string(
        "workbench/_completeness.html",
        {
            "completeness": completeness,
            "missing_items": [
                (name, labels.get(name, name), message)
                for name, message in missing.items()
            ],
        },
        request=request,
    )
    return JsonResponse(
        {
            "score": completeness.score,
            "level": completeness.level,
            "missing": sorted(missing),
            "html": html,
        }
    )


@login_required
@require_POST
def preview(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The public page of the form's unsaved data, marked as a preview; only the
    owner's organisation sees it (the listing is theirs), never cached or indexed."""
    from cms.catalogue import price_label, stage_label
    from cms.models import DemandIndexPage, OutcomeIndexPage

    model = _KIND_MODELS.get(kind)
    if model is None:
        raise Http404
    form, instance = _form_for_check(request, model, pk)
    index_model = OutcomeIndexPage if model is Outcome else DemandIndexPage
    page = index_model.objects.live().first()
    if page is None:
        raise Http404(_("The catalogue is not set up yet."))
    level = getattr(instance, "maturity", None) or getattr(
        instance, "expected_maturity", None
    )
    context = {
        "kind": instance.kind or kind,
        "listing": instance,
        "preview": True,
        "catalogue_url": page.get_url(request) or "/",
        "canonical_url": "",
        "meta_description": "",
        "og_image": None,
        "structured_data": "",
        "show_owner": True,
        "show_contact": True,
        "is_owner": True,
        "login_url": "",
        "field_path": (
            [f.label for f in (instance.field.parent, instance.field) if f is not None]
            if instance.field
            else []
        ),
        "region_label": instance.region.full_name if instance.region else "",
        "maturity_label": Maturity(level).label if level else "",
        "stage_label": stage_label(level),
        "price_label": price_label(instance),
        "modes": [str(mode) for mode in _posted_modes(form)],
        "engagement_enabled": False,
        "operator_provided": frozenset(),
    }
    response = page.render(
        request, template="cms/listing_detail.html", context_overrides=context
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _after_save(request: HttpRequest, listing: Listing) -> HttpResponse:
    """Stay on the form, or submit straight away when the owner asked to."""
    if "then_submit" in request.POST and listing.status != S.SUBMITTED:
        ticket = throttle.take_message(request)
        if ticket is None:
            # The changes are saved; only the submission waits.
            messages.error(request, throttle.message_refused())
            return redirect(_edit_url(listing))
        try:
            submit_listing(listing.pk, by_user_id=request.user.pk)
        except SubmissionIncomplete as error:
            ticket.give_back()
            messages.error(request, _incomplete_message(listing, error))
            return redirect(_edit_url(listing) + "?missing=1")
        except ListingError as error:
            ticket.give_back()
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("“%(title)s” was sent to the moderators for review.")
                % {"title": listing.title},
            )
            return redirect("workbench:home")
    return redirect(_edit_url(listing))


def _save(form: ListingForm, formset: Any, user_id: int) -> Listing:
    """Save the listing, its files and (for outcomes) its IP rights: one service call."""
    data = form.cleaned_data
    listing = form.instance

    def save_ip_rights(saved: Listing) -> None:
        if formset is not None and isinstance(saved, Outcome):
            formset.instance = saved
            formset.save()

    return save_listing_with_media(
        listing,
        by_user_id=user_id,
        modes=data["modes"],
        loaded_revision_id=data.get("loaded_revision_id"),
        media=MediaChanges(
            cover_upload=data.get("cover_image"),
            remove_cover=bool(data.get("remove_cover")),
            gallery_uploads=data.get("gallery_uploads") or (),
            remove_gallery=[row.pk for row in data.get("remove_gallery") or ()],
            attachment_uploads=data.get("attachment_uploads") or (),
            remove_attachments=[row.pk for row in data.get("remove_attachments") or ()],
        ),
        save_children=save_ip_rights,
        rights_for_review=lambda: _rights_for_review(formset),
    )


def _rights_for_review(formset: Any) -> list[dict[str, str]]:
    """The IP rights as the owner left them, for a published outcome's pending revision."""
    if formset is None:
        return []
    return [
        {
            key: ip_form.cleaned_data.get(key) or ""
            for key in ("kind", "number", "title", "legal_status")
        }
        for ip_form in formset.forms
        if ip_form.cleaned_data
        and not ip_form.cleaned_data.get("DELETE")
        and (ip_form.instance.pk or ip_form.has_changed() or ip_form.initial)
    ]


def _render_form(
    request: HttpRequest,
    form: ListingForm,
    formset: Any,
    listing: Listing,
    organisations: list[Any],
) -> HttpResponse:
    is_outcome = isinstance(listing, Outcome)
    saved = listing.pk is not None
    kept_token, kept_names = "", []
    if is_outcome and form.is_bound:
        kept_token, kept_names = kept_uploads.keep(
            request.user.pk, getattr(form, "cleaned_data", {}), form.errors
        )
    # The status and the gaps as stored, not as the (possibly invalid) form has them.
    stored = Listing.objects.filter(pk=listing.pk).first() if saved else None
    basis = (pending_draft(stored) or stored) if stored else None
    missing = missing_for_submission(basis) if basis else {}
    labels = _field_labels(listing)
    context = {
        "heading": _heading(listing),
        "kind": "outcome" if is_outcome else "demand",
        "form": form,
        "formset": formset,
        "listing": listing,
        "stored": stored,
        "organisations": organisations,
        "completeness": assess(form.instance),
        "missing_items": [
            (name, labels.get(name, name), message) for name, message in missing.items()
        ],
        "action_labels": _action_labels(),
        # Submitting from here would ignore unsaved edits: the form has its own button.
        "actions": [
            action
            for action in (OWNER_ACTIONS.get(stored.status, ()) if stored else ())
            if action != "submit"
        ],
        "gallery": [],
        "attachments": [],
        "pending_changes": pending_changes(stored) if stored else [],
        "kept_token": kept_token,
        "kept_names": kept_names,
        "public_url": (
            listing_url(stored, request) if stored and stored.is_public else None
        ),
    }
    if is_outcome and saved:
        context["gallery"] = _ticked(
            form, "remove_gallery", listing.gallery.select_related("image")
        )
        context["attachments"] = _ticked(
            form, "remove_attachments", listing.attachments.select_related("document")
        )
    template = (
        "workbench/outcome_form.html" if is_outcome else "workbench/demand_form.html"
    )
    return render(request, template, context)


def _ticked(form: ListingForm, name: str, rows: Any) -> list[dict[str, Any]]:
    """Rows with whether their "remove" box was ticked in the submitted form."""
    ticked = {str(v) for v in (form[name].value() or [])} if form.is_bound else set()
    return [{"row": row, "checked": str(row.pk) in ticked} for row in rows]


def _heading(listing: Listing) -> str:
    if isinstance(listing, Outcome):
        return _("Edit research outcome") if listing.pk else _("New research outcome")
    return _("Edit technology demand") if listing.pk else _("New technology demand")


def _owned(request: HttpRequest, model: type[Any], pk: int) -> Any:
    """The listing if one of the user's organisations owns it; 404 otherwise."""
    return get_object_or_404(
        model.objects.select_related("organisation"),
        pk=pk,
        organisation_id__in=member_organisation_ids(request.user),
    )


def _data(request: HttpRequest) -> tuple[Any, Any]:
    if request.method == "POST":
        files, restored = kept_uploads.restore(
            request.user.pk, request.POST, request.FILES
        )
        request.restored_uploads = restored  # type: ignore[attr-defined]
        return request.POST, files
    return None, None


def _ip_formset(listing: Listing, data: Any) -> Any:
    if not isinstance(listing, Outcome):
        return None
    rows = (
        pending_children(listing).get("_ip_rights")
        if listing.status == S.PUBLISHED
        else None
    )
    if rows is None:
        return IPRightFormSet(data, instance=listing, prefix="ip")
    # The IP rights of the pending changes, as new rows of the form.
    formset_class = forms.inlineformset_factory(
        Outcome,
        IPRight,
        form=IPRightForm,
        extra=len(rows) + 2,
        max_num=20,
        validate_max=True,
        can_delete=True,
    )
    return formset_class(
        data,
        instance=listing,
        prefix="ip",
        queryset=IPRight.objects.none(),
        initial=rows,
    )


def _all_valid(form: ListingForm, formset: Any) -> bool:
    # Both are validated, so the page shows every error at once.
    form_valid = form.is_valid()
    return (formset is None or formset.is_valid()) and form_valid


def _edit_url(listing: Listing) -> str:
    name = (
        "workbench:outcome_edit"
        if listing.kind == "outcome"
        else "workbench:demand_edit"
    )
    return reverse(name, args=[listing.pk])


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workbench:home")


def _incomplete_message(listing: Listing, error: SubmissionIncomplete) -> str:
    labels = _field_labels(listing)
    parts = [
        f"{labels.get(name, name)}: {message}"
        for name, message in error.missing.items()
    ]
    return _("“%(title)s” cannot be submitted yet. %(reason)s %(fields)s") % {
        "title": listing.title,
        "reason": error.message,
        "fields": "; ".join(parts),
    }


def _field_labels(listing: Listing) -> dict[str, str]:
    model = (
        Outcome if listing.kind == "outcome" or isinstance(listing, Outcome) else Demand
    )
    fields = KIND_FORMS[model].base_fields
    return {name: str(field.label) for name, field in fields.items() if field.label}


def _action_done_message(action: str, listing: Listing) -> str:
    title = listing.title
    if action == "submit":
        return _("“%(title)s” was sent to the moderators for review.") % {
            "title": title
        }
    if action == "withdraw":
        return _("“%(title)s” was withdrawn from review and is a draft again.") % {
            "title": title
        }
    if action == "archive":
        return _("“%(title)s” was archived and is no longer shown publicly.") % {
            "title": title
        }
    if listing.status == S.PUBLISHED and listing.valid_until:
        return _("“%(title)s” is now valid until %(date)s.") % {
            "title": title,
            "date": date_format(listing.valid_until),
        }
    return _(
        "“%(title)s” was sent to review again; it is published once a moderator "
        "approves it."
    ) % {"title": title}


def _action_labels() -> dict[str, str]:
    return {
        "submit": _("Submit for review"),
        "withdraw": _("Withdraw from review"),
        "renew": _("Renew"),
        "archive": _("Archive"),
    }
