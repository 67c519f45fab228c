"""Forms of the workbench for the delivery of an awarded challenge: milestones, their
acceptance with measured values and evidence, the final acceptance, payouts.

The services (market.services.delivery) check everything again; their refusals come
back onto these forms as field errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.workbench.challenge_forms import MAX_ROWS, RowForm, filled_rows
from cms.workbench.forms import (
    PDF_ACCEPT,
    MultipleFileField,
    _check_each,
    add_file_check_messages,
    file_check_attrs,
)
from cms.workbench.widgets import MultipleFileInput
from market.models import ChallengeIndicator, DeliveryMilestone
from market.services.delivery import MeasurementData, MilestonePlan
from market.uploads import MAX_PDF_BYTES, check_pdf

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeliveryMilestoneForm(RowForm):
    """One milestone: title, deliverable, due date and the indicators it must show."""

    required_when_filled = ("title", "deliverable", "due_on")
    preset = ("milestone",)

    milestone = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1
    )
    title = forms.CharField(label=_("Milestone"), max_length=120, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)
    deliverable = forms.CharField(
        label=_("Deliverable"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators it must show"),
        queryset=ChallengeIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: i.name

    def is_filled(self) -> bool:
        # The hidden id alone does not fill a row: a row emptied is removed.
        data = self.cleaned_data
        return bool(
            data.get("title")
            or data.get("deliverable")
            or data.get("due_on")
            or list(data.get("indicators") or [])
        )


class BaseDeliveryMilestoneFormSet(forms.BaseFormSet):
    def as_data(self) -> list[MilestonePlan]:
        return [
            MilestonePlan(
                title=row["title"],
                deliverable=row["deliverable"],
                due_on=row["due_on"],
                indicator_ids=tuple(i.pk for i in row.get("indicators") or []),
                milestone_id=row.get("milestone"),
            )
            for row in filled_rows(self)
        ]


DeliveryMilestoneFormSet = forms.formset_factory(
    DeliveryMilestoneForm,
    formset=BaseDeliveryMilestoneFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


def milestone_initial(milestones: list[DeliveryMilestone]) -> list[dict[str, Any]]:
    """The rows of the milestone formset for the stored milestones."""
    return [
        {
            "milestone": m.pk,
            "title": m.title,
            "due_on": m.due_on,
            "deliverable": m.deliverable,
            "indicators": [i.pk for i in m.indicators.all()],
        }
        for m in milestones
    ]


class MeasurementForm(forms.Form):
    """The value measured for one indicator."""

    indicator = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    measured_value = forms.DecimalField(
        label=_("Measured value"), max_digits=18, decimal_places=6, required=False
    )
    measured_on = forms.DateField(
        label=_("Measured on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Empty: today."),
    )
    evidence_note = forms.CharField(
        label=_("How it was measured, by whom"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseMeasurementFormSet(forms.BaseFormSet):
    def as_data(self) -> list[MeasurementData]:
        return [
            MeasurementData(
                indicator_id=form.cleaned_data["indicator"],
                measured_value=form.cleaned_data.get("measured_value"),
                measured_on=form.cleaned_data.get("measured_on"),
                evidence_note=form.cleaned_data.get("evidence_note") or "",
            )
            for form in self.forms
            if getattr(form, "cleaned_data", None)
        ]


MeasurementFormSet = forms.formset_factory(
    MeasurementForm,
    formset=BaseMeasurementFormSet,
    extra=0,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


class AcceptanceForm(forms.Form):
    """The note and evidence files of a milestone's or the final acceptance."""

    note = forms.CharField(
        label=_("Acceptance note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who took part in the acceptance and what they concluded."),
    )
    evidence_uploads = MultipleFileField(
        label=_("Evidence (PDF)"),
        required=False,
        help_text=_(
            "Test reports or acceptance minutes, at most 20 MB each. They are seen "
            "by the issuer, the winning team and the moderators, never published."
        ),
        widget=MultipleFileInput(attrs=file_check_attrs(PDF_ACCEPT, MAX_PDF_BYTES)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["evidence_uploads"].widget
        widget.attrs = dict(widget.attrs)
        add_file_check_messages(widget)

    def clean_evidence_uploads(self) -> list[Any]:
        uploads = self.cleaned_data.get("evidence_uploads") or []
        _check_each(uploads, check_pdf)
        return uploads


class PayoutForm(forms.Form):
    """A payment of (part of) the bounty."""

    amount_wan = forms.DecimalField(
        label=_("Amount (10k CNY)"), max_digits=12, decimal_places=2
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_WIDGET)
    milestone = forms.ModelChoiceField(
        label=_("For milestone"),
        queryset=DeliveryMilestone.objects.none(),
        required=False,
        empty_label=_("Not tied to a milestone"),
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=120,
        required=False,
        help_text=_("The bank transfer or voucher number."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, milestones: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones


class PayOutForm(forms.Form):
    """Mark the challenge as paid out; a reason when less than the bounty was paid."""

    reason = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when the payouts add up to less than the bounty, for example "
            "按约定扣减."
        ),
    )
