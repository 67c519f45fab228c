"""Forms of the deal pages. Amounts stay text here: the deal service parses them
(numbers, never negative) and its per-field errors are put back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import (
    DealDocumentKind,
    DealMode,
    Demand,
    ListingStatus,
    Organisation,
    Outcome,
    PaymentStructure,
    TerminationReason,
)
from market.services.deals import DealError
from market.uploads import MAX_PDF_BYTES

_AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}

# The fields each step of a deal asks for (the pipeline card shows only these).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "negotiate": (),
    "sign": ("signed_on", "contract_amount_wan"),
    "register": ("registration_number", "registered_on", "transaction_amount_wan"),
    "perform": (),
    "complete": ("completed_on",),
    "terminate": ("reason_code", "reason"),
}


def _amount(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        help_text=help_text,
        widget=forms.TextInput(attrs=_AMOUNT),
    )


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def put_errors(form: forms.Form, error: DealError) -> None:
    """The service's refusal on the form: each field's message on its field, the rest
    (and the summary) as a non-field error."""
    placed = False
    for name, message in error.errors.items():
        key = name.split(".", 1)[0]
        if key in form.fields:
            messages = message if isinstance(message, list) else [message]
            for text in messages:
                form.add_error(key, str(text))
            placed = True
    if not placed or not error.errors:
        form.add_error(None, str(error.message))


class MoveForm(forms.Form):
    """What a stage move may bring along; the service says which are required."""

    signed_on = _date(_("Signed on"))
    contract_amount_wan = _amount(_("Contract amount (10k CNY)"))
    registration_number = forms.CharField(
        label=_("Contract registration number"), required=False, max_length=60
    )
    registered_on = _date(_("Registered on"))
    transaction_amount_wan = _amount(
        _("Technology transaction amount (10k CNY)"),
        _("The amount the registration certifies (技术交易额)."),
    )
    completed_on = _date(_("Completed on"))
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("— choose —")), *TerminationReason.choices],
    )
    reason = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def fields_for(self, action: str) -> list[Any]:
        return [self[name] for name in STEP_FIELDS.get(action, ())]


class AmountsForm(forms.Form):
    contract_amount_wan = _amount(_("Contract amount (10k CNY)"))
    transaction_amount_wan = _amount(_("Technology transaction amount (10k CNY)"))
    commission_rate = _amount(_("Agent's commission rate (%)"))
    commission_fixed_wan = _amount(_("Agent's fixed commission (10k CNY)"))


class OfferForm(forms.Form):
    """An offer or counter-offer on the payment structure."""

    structure = forms.ChoiceField(
        label=_("Payment structure"), choices=PaymentStructure.choices
    )
    total_wan = _amount(_("Total amount (10k CNY)"))
    upfront_wan = _amount(_("Paid on signing (10k CNY)"))
    milestones = forms.CharField(
        label=_("Milestone payments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: what is delivered | amount (10k CNY)."),
    )
    royalty_rate = _amount(_("Royalty rate (%)"))
    royalty_base = forms.CharField(
        label=_("Royalty base"),
        required=False,
        max_length=120,
        help_text=_("What the royalty is a share of, e.g. net sales of the product."),
    )
    royalty_years = forms.CharField(
        label=_("Royalty term (years)"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    equity_share = _amount(
        _("Equity share (%)"), _("For investment in kind (作价投资).")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responds_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def milestone_rows(self) -> list[dict[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("milestones") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            for separator in ("|", "｜", "：", ":", "，", ","):
                if separator in line:
                    title, _sep, amount = line.rpartition(separator)
                    break
            else:
                title, amount = line, ""
            rows.append({"title": title.strip(), "amount_wan": amount.strip()})
        return rows


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DealDocumentKind.choices)
    files = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf", "data-max-bytes": MAX_PDF_BYTES}
        ),
    )


class PaymentForm(forms.Form):
    amount_wan = _amount(_("Amount (10k CNY)"))
    paid_on = _date(_("Paid on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    what = forms.CharField(label=_("What to do"), required=False, max_length=200)


class NewDealForm(forms.Form):
    """An agent enters a deal directly."""

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=160,
        help_text=_("Empty: the outcome's or the demand's title."),
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Organisation.objects.order_by("name")
    )
    buyer = forms.ModelChoiceField(
        label=_("Buyer"), queryset=Organisation.objects.order_by("name")
    )
    mode = forms.ChoiceField(label=_("Contract type"), choices=DealMode.choices)
    outcome = forms.ModelChoiceField(
        label=_("Research outcome"),
        required=False,
        queryset=Outcome.objects.filter(status=ListingStatus.PUBLISHED).order_by(
            "title"
        ),
        help_text=_("The supplier's outcome the deal is about."),
    )
    demand = forms.ModelChoiceField(
        label=_("Technology demand"),
        required=False,
        queryset=Demand.objects.filter(status=ListingStatus.PUBLISHED).order_by(
            "title"
        ),
        help_text=_("The buyer's demand the deal answers."),
    )
