"""Forms of the workbench for challenges (榜单) and applications (揭榜申请).

Rows (indicators, review criteria, consortium members, milestones) are plain
formsets whose fields are all optional: a row left empty is ignored, a row partly
filled in must be completed. The services check everything again.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.workbench.forms import (
    PDF_ACCEPT,
    RICH_TEXT_HELP,
    MultipleFileField,
    RegionField,
    RichTextField,
    _check_each,
    add_file_check_messages,
    field_choices,
    file_check_attrs,
)
from cms.workbench.widgets import MultipleFileInput
from market.models import (
    Campaign,
    CampaignStatus,
    Challenge,
    ChallengeAttachment,
    Demand,
    IndicatorDirection,
    ListingStatus,
    Organisation,
    Outcome,
    Region,
    TechField,
)
from market.services.applications import MemberData, MilestoneData, ResponseData
from market.services.challenges import CriterionData, IndicatorData
from market.uploads import MAX_PDF_BYTES, check_pdf

DEADLINE_FORMAT = "%Y-%m-%dT%H:%M"
MAX_ROWS = 20


class ChallengeForm(forms.ModelForm):
    """A challenge's own fields, its new PDFs and the attachments to remove."""

    background = RichTextField(
        label=_("Background"),
        required=False,
        help_text=RICH_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    application_deadline = forms.DateTimeField(
        label=_("Application deadline"),
        help_text=_("Beijing time; applications are closed automatically then."),
        input_formats=[DEADLINE_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DEADLINE_FORMAT
        ),
    )
    attachment_uploads = MultipleFileField(
        label=_("Add PDF attachments"),
        required=False,
        help_text=_("Specifications or test standards as PDF, at most 20 MB each."),
        widget=MultipleFileInput(attrs=file_check_attrs(PDF_ACCEPT, MAX_PDF_BYTES)),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=ChallengeAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "campaign",
            "background",
            "objectives",
            "deliverables",
            "field",
            "region",
            "bounty_wan",
            "payment_terms",
            "payment_terms_note",
            "duration_months",
            "application_deadline",
            "eligibility",
            "contact_name",
            "contact_phone",
            "contact_email",
            "confidentiality",
            "blind_review",
            "objection_days",
            "max_consortium_members",
        ]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "deliverables": forms.Textarea(attrs={"rows": 4}),
            "payment_terms_note": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = TechField.objects.filter(is_active=True).order_by("code")
        self.fields["field"] = forms.ModelChoiceField(
            label=_("Technology field"),
            queryset=fields,
            help_text=_("A field or one of its sub-fields."),
        )
        self.fields["field"].choices = field_choices(fields)
        self.fields["region"] = RegionField(
            regions=Region.objects.order_by("code"), label=_("Region"), required=True
        )
        self.fields["campaign"].queryset = Campaign.objects.filter(
            status__in=[CampaignStatus.DRAFT, CampaignStatus.OPEN]
        )
        self.fields["campaign"].empty_label = _("None: an independent challenge")
        self.fields["confidentiality"].widget = forms.RadioSelect(
            choices=self.fields["confidentiality"].choices
        )
        widget = self.fields["attachment_uploads"].widget
        widget.attrs = dict(widget.attrs)
        add_file_check_messages(widget)
        if self.instance.pk:
            self.fields[
                "remove_attachments"
            ].queryset = ChallengeAttachment.objects.filter(challenge=self.instance)
        organisations = list(organisations)
        if not self.instance.pk and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Issuer"),
                queryset=Organisation.objects.filter(
                    pk__in=[o.pk for o in organisations]
                ),
                empty_label=_("Choose the organisation that issues it"),
                help_text=_("The challenge is published in this organisation's name."),
            )
            self.order_fields(["organisation"])

    def clean_title(self) -> str:
        return " ".join((self.cleaned_data.get("title") or "").split())

    def clean_application_deadline(self) -> Any:
        deadline = self.cleaned_data.get("application_deadline")
        if deadline and deadline <= timezone.now():
            raise ValidationError(
                _("The application deadline must be in the future."),
                code="deadline_past",
            )
        return deadline

    def clean_attachment_uploads(self) -> list[Any]:
        uploads = self.cleaned_data.get("attachment_uploads") or []
        _check_each(uploads, check_pdf)
        return uploads


class RowForm(forms.Form):
    """A row of a formset: empty, it is ignored; filled, ``required`` must be set."""

    required_when_filled: tuple[str, ...] = ()
    # Fields that always send a value (selects): they alone do not fill a row.
    preset: tuple[str, ...] = ()

    def is_filled(self) -> bool:
        return any(
            value not in (None, "", [], False)
            for name, value in self.cleaned_data.items()
            if name != "DELETE" and name not in self.preset
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_filled() and not data.get("DELETE"):
            for name in self.required_when_filled:
                if name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(
                        name, ValidationError(_("Fill this in."), code="required")
                    )
        return data


def filled_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The cleaned data of the rows that hold something and are not deleted."""
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None)
        and form.is_filled()
        and not form.cleaned_data.get("DELETE")
    ]


class IndicatorForm(RowForm):
    """One measurable indicator (指标)."""

    required_when_filled = ("name", "target_value", "measurement")
    preset = ("direction",)

    name = forms.CharField(label=_("Indicator"), max_length=120, required=False)
    direction = forms.ChoiceField(
        label=_("Target is"),
        choices=IndicatorDirection.choices,
        initial=IndicatorDirection.AT_LEAST,
        required=False,
    )
    target_value = forms.DecimalField(
        label=_("Target value"), max_digits=18, decimal_places=6, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    measurement = forms.CharField(
        label=_("How it is measured"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseIndicatorFormSet(forms.BaseFormSet):
    def as_data(self) -> list[IndicatorData]:
        return [
            IndicatorData(
                name=row["name"],
                target_value=row["target_value"],
                measurement=row["measurement"],
                unit=row.get("unit") or "",
                direction=row.get("direction") or IndicatorDirection.AT_LEAST,
            )
            for row in filled_rows(self)
        ]


IndicatorFormSet = forms.formset_factory(
    IndicatorForm,
    formset=BaseIndicatorFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


class CriterionForm(RowForm):
    """One criterion the experts score against, with its weight."""

    required_when_filled = ("name", "weight")

    name = forms.CharField(label=_("Criterion"), max_length=120, required=False)
    weight = forms.IntegerField(
        label=_("Weight (%)"), min_value=1, max_value=100, required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        rows = [
            form
            for form in self.forms
            if form.cleaned_data
            and form.is_filled()
            and not form.cleaned_data.get("DELETE")
        ]
        total = sum(form.cleaned_data["weight"] for form in rows)
        if rows and total != 100:
            message = _("The weights add up to %(total)s; they must add up to 100.") % {
                "total": total
            }
            for form in rows:
                form.add_error("weight", ValidationError(message, code="not_100"))

    def as_data(self) -> list[CriterionData]:
        return [
            CriterionData(
                name=row["name"],
                weight=row["weight"],
                description=row.get("description") or "",
            )
            for row in filled_rows(self)
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


class PromoteDemandForm(forms.Form):
    """Start a challenge from one of the organisation's published demands."""

    demand = forms.ModelChoiceField(
        label=_("Demand"),
        queryset=Demand.objects.none(),
        empty_label=_("Choose a published demand"),
    )
    bounty_wan = forms.DecimalField(
        label=_("Bounty (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), min_value=1, max_value=120, initial=12
    )
    application_deadline = ChallengeForm.base_fields["application_deadline"]

    def __init__(self, *args: Any, demands: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["demand"].queryset = demands
        self.fields["demand"].label_from_instance = lambda d: (
            f"{d.title} · {d.organisation.name}"
        )

    clean_application_deadline = ChallengeForm.clean_application_deadline


class ReasonForm(forms.Form):
    """Why a challenge is withdrawn."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for this step.")},
    )


# -- applications ----------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """The application's own fields; the lead is chosen only when it is created."""

    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the organisation that leads"),
    )
    lead_share = forms.DecimalField(
        label=_("Lead organisation's share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=Decimal("100"),
        help_text=_(
            "The shares of the lead and the consortium members add up to 100 %."
        ),
    )
    team_lead_name = forms.CharField(
        label=_("Team lead (挂帅人)"),
        max_length=60,
        help_text=_("Whoever leads the work; no age or title is required."),
    )
    proposal = RichTextField(
        label=_("Technical proposal"),
        required=False,
        help_text=RICH_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    proposal_document = forms.FileField(
        label=_("Proposal (PDF)"),
        required=False,
        help_text=_("Optional; a PDF of at most 20 MB. A new file replaces the old."),
        widget=forms.FileInput(attrs=file_check_attrs(PDF_ACCEPT, MAX_PDF_BYTES)),
    )
    linked_outcomes = forms.ModelMultipleChoiceField(
        label=_("Outcomes it builds on"),
        queryset=Outcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published research outcomes of your organisations."),
    )
    declarations_confirmed = forms.BooleanField(
        label=_(
            "We declare that the information is true, that we hold the rights to the "
            "technology we propose and that we accept the challenge's terms."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        lead_choices: Iterable[Organisation] | None,
        outcomes: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if lead_choices is None:
            del self.fields["lead_organisation"]
        else:
            self.fields["lead_organisation"].queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in lead_choices]
            ).order_by("name")
        self.fields["linked_outcomes"].queryset = outcomes
        widget = self.fields["proposal_document"].widget
        widget.attrs = dict(widget.attrs)
        add_file_check_messages(widget)

    def clean_team_lead_name(self) -> str:
        return " ".join((self.cleaned_data.get("team_lead_name") or "").split())

    def clean_proposal_document(self) -> Any:
        upload = self.cleaned_data.get("proposal_document")
        if upload:
            check_pdf(upload)
        return upload


def linkable_outcomes(organisation_ids: Iterable[int], linked: Iterable[int]) -> Any:
    """Published outcomes of the user's organisations, and those already linked."""
    from django.db.models import Q

    return (
        Outcome.objects.filter(
            Q(organisation_id__in=list(organisation_ids)) | Q(pk__in=list(linked)),
            status=ListingStatus.PUBLISHED,
        )
        .select_related("organisation")
        .order_by("title")
    )


class MemberForm(RowForm):
    """A consortium member besides the lead."""

    required_when_filled = ("organisation", "role", "share")

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Choose an organisation"),
    )
    role = forms.CharField(label=_("Role"), max_length=120, required=False)
    share = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=100,
        required=False,
    )


class BaseMemberFormSet(forms.BaseFormSet):
    def as_data(self) -> list[MemberData]:
        return [
            MemberData(
                organisation_id=row["organisation"].pk,
                role=row["role"],
                share=row["share"],
            )
            for row in filled_rows(self)
        ]


def member_formset(max_members: int) -> type[forms.BaseFormSet]:
    """Rows for up to the challenge's number of consortium members."""
    return forms.formset_factory(
        MemberForm,
        formset=BaseMemberFormSet,
        extra=min(2, max_members),
        can_delete=True,
        max_num=max_members,
        validate_max=True,
        absolute_max=max_members,
    )


class ResponseForm(forms.Form):
    """The value promised for one of the challenge's indicators."""

    indicator = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    promised_value = forms.DecimalField(
        label=_("Promised value"), max_digits=18, decimal_places=6, required=False
    )
    approach = forms.CharField(
        label=_("How it will be reached"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseResponseFormSet(forms.BaseFormSet):
    def as_data(self) -> list[ResponseData]:
        return [
            ResponseData(
                indicator_id=form.cleaned_data["indicator"],
                promised_value=form.cleaned_data["promised_value"],
                approach=form.cleaned_data.get("approach") or "",
            )
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("promised_value") is not None
        ]


ResponseFormSet = forms.formset_factory(
    ResponseForm,
    formset=BaseResponseFormSet,
    extra=0,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


class MilestoneForm(RowForm):
    """A step of the schedule, with its budget."""

    required_when_filled = ("title", "month", "deliverable", "budget_wan")

    title = forms.CharField(label=_("Milestone"), max_length=120, required=False)
    month = forms.IntegerField(
        label=_("Month"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Months after the start of the work."),
    )
    deliverable = forms.CharField(
        label=_("Deliverable"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget_wan = forms.DecimalField(
        label=_("Budget (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )


class BaseMilestoneFormSet(forms.BaseFormSet):
    def as_data(self) -> list[MilestoneData]:
        return [
            MilestoneData(
                title=row["title"],
                month=row["month"],
                deliverable=row["deliverable"],
                budget_wan=row["budget_wan"],
            )
            for row in filled_rows(self)
        ]


MilestoneFormSet = forms.formset_factory(
    MilestoneForm,
    formset=BaseMilestoneFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)
