"""Forms of the expert review pages."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from market.models import Challenge
from market.models.review import SCORE_MAX, SCORE_MIN


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with the issuer or with "
            "any organisation that applied to this challenge, and that I will keep "
            "the applications confidential."
        ),
        error_messages={
            "required": _("Tick the declaration to take part in the review.")
        },
    )


def criterion_field_name(criterion_id: int) -> str:
    return f"criterion_{criterion_id}"


class ScoreForm(forms.Form):
    """One 0–100 score per criterion of the challenge, and a comment."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args: Any, criteria: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in criteria:
            fields[criterion_field_name(criterion.pk)] = forms.DecimalField(
                label=_("%(criterion)s (weight %(weight)s %%)")
                % {"criterion": criterion.name, "weight": criterion.weight},
                help_text=criterion.description,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "required": _("Give a score from 0 to 100."),
                    "invalid": _("Give a score from 0 to 100."),
                    "min_value": _("Give a score from 0 to 100."),
                    "max_value": _("Give a score from 0 to 100."),
                    "max_decimal_places": _("Give a score from 0 to 100."),
                    "max_digits": _("Give a score from 0 to 100."),
                },
            )
        # The scores first, the comment last.
        comment = self.fields.pop("comment")
        self.fields.update(fields)
        self.fields["comment"] = comment
        self.criterion_ids = [c.pk for c in criteria]

    def scores(self) -> dict[int, Decimal]:
        return {
            pk: self.cleaned_data[criterion_field_name(pk)] for pk in self.criterion_ids
        }


class WinnerForm(forms.Form):
    application = forms.TypedChoiceField(
        label=_("Winning application"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the winner among the ranked applications."),
            "invalid_choice": _("Choose the winner among the ranked applications."),
        },
    )
    announcement = forms.CharField(
        # The challenge's own field label (公示内容).
        label=capfirst(Challenge._meta.get_field("announcement").verbose_name),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the award during the objection period (公示)."),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = choices  # type: ignore[attr-defined]


class NoWinnerForm(forms.Form):
    reason = forms.CharField(
        label=_("Why no application is suitable"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why no application is suitable.")},
    )
