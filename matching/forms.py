"""Forms of the agents' queue; the services re-check everything they rely on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models import Region, TechField
from matching.models import ProposalState, RejectReason
from matching.selectors import OPEN, QueueFilters
from matching.services.decisions import NOTE_MAX_LENGTH

AGE_CHOICES = [
    ("", _("Any age")),
    ("1", _("Last 24 hours")),
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
]


def _state_choices() -> list[tuple[str, Any]]:
    return [(OPEN, _("Waiting for a decision")), *ProposalState.choices]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string; a bad value is ignored."""

    state = forms.ChoiceField(label=_("State"), required=False, choices=_state_choices)
    field = forms.ChoiceField(label=_("Technology field"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    min_score = forms.IntegerField(
        label=_("Minimum score"), required=False, min_value=0, max_value=100
    )
    age = forms.ChoiceField(
        label=_("Proposed within"), required=False, choices=AGE_CHOICES
    )
    mine = forms.BooleanField(label=_("Claimed by me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_choice = self.fields["field"]
        region_choice = self.fields["region"]
        assert isinstance(field_choice, forms.ChoiceField)
        assert isinstance(region_choice, forms.ChoiceField)
        field_choice.choices = [("", _("All fields"))] + [
            (f.code, f"{'— ' if f.parent_id else ''}{f}")
            for f in TechField.objects.order_by("code")
        ]
        # Provinces only: a list of every county would be thousands of options.
        region_choice.choices = [("", _("All regions"))] + [
            (r.code, str(r))
            for r in Region.objects.filter(parent__isnull=True).order_by("code")
        ]

    def filters(self) -> QueueFilters:
        """The valid filters; a field with a bad value is left out (never an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        min_score = data.get("min_score")
        age = data.get("age")
        return QueueFilters(
            state=data.get("state") or OPEN,
            field_code=data.get("field") or None,
            region_code=data.get("region") or None,
            min_score=min_score / 100 if min_score is not None else None,
            max_age_days=int(age) if age else None,
            mine=bool(data.get("mine")),
        )


class RejectForm(forms.Form):
    """Reject a proposal with a reason code; "other" needs a note."""

    reason = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reason") == RejectReason.OTHER
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Say why you reject this proposal."))
        return data


class SnoozeForm(forms.Form):
    """Snooze a proposal until a day in the future."""

    until = forms.DateField(
        label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_until(self) -> dt.date:
        until: dt.date = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return until

    def until_datetime(self) -> dt.datetime:
        """The start of the chosen day in the site's time zone."""
        day = self.cleaned_data["until"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
