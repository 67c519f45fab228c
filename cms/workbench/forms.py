"""Forms of the workbench: outcomes, demands, their IP rights and their files."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.workbench.widgets import MultipleFileInput, RegionSelectWidget
from market.models import (
    CooperationMode,
    Demand,
    IPRight,
    IPRightKind,
    Listing,
    Organisation,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
    Region,
    TechField,
)
from market.sanitize import sanitize_rich_text
from market.uploads import MAX_IMAGE_BYTES, MAX_PDF_BYTES, check_image, check_pdf

MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 30
MAX_OBJECTIVES = 20
MAX_OBJECTIVE_CHARS = 200
MAX_GALLERY_IMAGES = 12
MAX_ATTACHMENTS = 10
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
PDF_ACCEPT = "application/pdf,.pdf"


def file_check_attrs(accept: str, max_bytes: int) -> dict[str, Any]:
    """What workbench.js checks before an upload (the server checks again)."""
    return {"accept": accept, "data-max-bytes": str(max_bytes)}


def add_file_check_messages(widget: forms.Widget) -> None:
    """The messages workbench.js shows, in the language of this request."""
    from django.utils.translation import gettext

    megabytes = int(widget.attrs["data-max-bytes"]) // (1024 * 1024)
    widget.attrs["data-too-big"] = gettext(
        "%(name)s is larger than %(size)s MB; choose a smaller file."
    ) % {"name": "{name}", "size": megabytes}
    widget.attrs["data-wrong-type"] = gettext(
        "%(name)s is not a file of an accepted type."
    ) % {"name": "{name}"}


# Commas (ASCII and full-width), the enumeration comma, semicolons, any white space.
KEYWORD_SEPARATORS = re.compile(r"[,，、;；\s]+")
_BULLET = re.compile(r"^(?:[-*•·]|\d+[.)、])\s*")

RICH_TEXT_HELP = _(
    "Paragraphs separated by a blank line, or simple HTML: <p>, <strong>, <em>, "
    "lists, <h3>/<h4> headings and http(s) links. Anything else is removed."
)


def parse_keywords(text: str) -> list[str]:
    """Keywords typed in one line, split at commas, 、, semicolons or spaces."""
    seen: set[str] = set()
    keywords: list[str] = []
    for part in KEYWORD_SEPARATORS.split(text or ""):
        keyword = part.strip()
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return keywords


def parse_lines(text: str) -> list[str]:
    """One entry per non-empty line, without list bullets or numbering."""
    lines = []
    for raw in (text or "").splitlines():
        line = _BULLET.sub("", raw.strip()).strip()
        if line:
            lines.append(line)
    return lines


class KeywordsField(forms.CharField):
    """Keywords as one line of text, stored as a list."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return parse_keywords(super().to_python(value))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_KEYWORDS:
            raise ValidationError(
                _("Give at most %(max)s keywords."),
                code="too_many_keywords",
                params={"max": MAX_KEYWORDS},
            )
        long = [k for k in value if len(k) > MAX_KEYWORD_CHARS]
        if long:
            raise ValidationError(
                _("Keep each keyword under %(max)s characters: %(keywords)s"),
                code="keyword_too_long",
                params={"max": MAX_KEYWORD_CHARS, "keywords": "、".join(long)},
            )


class LinesField(forms.CharField):
    """One entry per line of a textarea, stored as a list."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return parse_lines(super().to_python(value))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_OBJECTIVES:
            raise ValidationError(
                _("Give at most %(max)s lines."),
                code="too_many_lines",
                params={"max": MAX_OBJECTIVES},
            )
        if any(len(line) > MAX_OBJECTIVE_CHARS for line in value):
            raise ValidationError(
                _("Keep each line under %(max)s characters."),
                code="line_too_long",
                params={"max": MAX_OBJECTIVE_CHARS},
            )


class RichTextField(forms.CharField):
    """A textarea whose HTML is sanitised before it reaches the model."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        return sanitize_rich_text(super().to_python(value))


class MultipleFileField(forms.FileField):
    """Several uploaded files; cleans to a list (empty when none was sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class RegionField(forms.MultiValueField):
    """Province → city → district; the most specific chosen level is the region."""

    widget = RegionSelectWidget

    def __init__(self, regions: Iterable[Region], **kwargs: Any) -> None:
        regions = list(regions)
        self.by_code = {r.code: r for r in regions}
        by_pk = {r.pk: r for r in regions}
        provinces = [r for r in regions if r.level == 1]
        children: dict[int, list[Region]] = {}
        for region in regions:
            if region.parent_id:
                children.setdefault(region.parent_id, []).append(region)
        cities = [c for p in provinces for c in children.get(p.pk, [])]
        province_choices = [("", _("Choose a province")), *_options(provinces)]
        city_choices = [
            ("", _("Choose a city")),
            *[
                (p.label, _options(children[p.pk]))
                for p in provinces
                if p.pk in children
            ],
        ]
        district_choices = [
            ("", _("Choose a district")),
            *[
                (_place_name(by_pk, c), _options(children[c.pk]))
                for c in cities
                if c.pk in children
            ],
        ]
        choices = (province_choices, city_choices, district_choices)
        fields = [forms.ChoiceField(choices=part, required=False) for part in choices]
        kwargs.setdefault("required", False)
        super().__init__(
            fields=fields,
            require_all_fields=False,
            widget=RegionSelectWidget(choices=choices, regions_by_pk=by_pk),
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> Region | None:
        if not data_list:
            return None
        province, city, district = (
            self.by_code.get(code) if code else None
            for code in [*data_list, None, None, None][:3]
        )
        if city and province and city.parent_id != province.pk:
            raise ValidationError(
                _("The city you chose is not in the province you chose."),
                code="region_mismatch",
            )
        if district and city and district.parent_id != city.pk:
            raise ValidationError(
                _("The district you chose is not in the city you chose."),
                code="region_mismatch",
            )
        if (
            district
            and province
            and not city
            and district.code[:2] != province.code[:2]
        ):
            raise ValidationError(
                _("The district you chose is not in the province you chose."),
                code="region_mismatch",
            )
        return district or city or province


def _options(regions: Iterable[Region]) -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in regions]


def _place_name(by_pk: dict[int, Region], city: Region) -> str:
    province = by_pk.get(city.parent_id) if city.parent_id else None
    # Municipalities repeat their own name at city level (北京市 北京市).
    if province is None or province.label == city.label:
        return city.label
    return f"{province.label} {city.label}"


def field_choices(fields: Iterable[TechField]) -> list[Any]:
    """Sub-fields grouped under their top-level field (which may itself be chosen)."""
    fields = list(fields)
    children: dict[int, list[TechField]] = {}
    for field in fields:
        if field.parent_id:
            children.setdefault(field.parent_id, []).append(field)
    choices: list[Any] = [("", _("Choose a technology field"))]
    for top in (f for f in fields if not f.parent_id):
        options = [(top.pk, _("%(field)s (general)") % {"field": top.label})]
        options += [(sub.pk, sub.label) for sub in children.get(top.pk, [])]
        choices.append((top.label, options))
    return choices


class ListingForm(forms.ModelForm):
    """Fields every listing shares; subclasses add their kind's own."""

    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        help_text=_(
            "Separate them with commas, 、, semicolons or spaces; at least three help "
            "people find the listing."
        ),
    )
    modes = forms.ModelMultipleChoiceField(
        label=_("Cooperation modes"),
        queryset=CooperationMode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # The revision the editor started from (0: none yet); saving over a newer one is
    # refused.
    loaded_revision_id = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0
    )

    common_fields = [
        "title",
        "summary",
        "field",
        "region",
        "keywords",
        "contact_name",
        "contact_phone",
        "contact_email",
        "confidentiality",
        "protected_details",
    ]

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = TechField.objects.filter(is_active=True).order_by("code")
        self.fields["field"] = forms.ModelChoiceField(
            label=_("Technology field"),
            queryset=fields,
            required=False,
        )
        self.fields["field"].choices = field_choices(fields)
        self.fields["region"] = RegionField(
            regions=Region.objects.order_by("code"), label=_("Region")
        )
        self.fields["summary"].widget = forms.Textarea(attrs={"rows": 4})
        # A draft may be saved with its title alone; submitting asks for the rest
        # (market.services.listings.missing_for_submission).
        self.fields["summary"].required = False
        self.fields["protected_details"].widget = forms.Textarea(attrs={"rows": 4})
        self.fields["confidentiality"].widget = forms.RadioSelect(
            choices=self.fields["confidentiality"].choices
        )
        if self.instance.pk:
            self.fields["modes"].initial = list(self.instance.modes.all())
            self.fields["loaded_revision_id"].initial = (
                self.instance.latest_revision_id or 0
            )
        organisations = list(organisations)
        if not self.instance.pk and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"),
                queryset=Organisation.objects.filter(
                    pk__in=[o.pk for o in organisations]
                ),
                empty_label=_("Choose the organisation that offers it"),
                help_text=_("The listing is published in this organisation's name."),
            )
            self.order_fields(["organisation"])

    def clean_title(self) -> str:
        return " ".join((self.cleaned_data.get("title") or "").split())

    def show_missing(self, missing: dict[str, Any]) -> None:
        """Mark the fields a submission still lacks as errors on an unbound form."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for name, message in missing.items():
            target = name if name in self.fields else None
            self.add_error(target, ValidationError(message, code="missing"))


def _money_field(label: Any, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        error_messages={"min_value": _("An amount cannot be negative.")},
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


class OutcomeForm(ListingForm):
    """A research outcome, with its pictures and PDFs."""

    description = RichTextField(
        label=_("Detailed description"),
        required=False,
        help_text=RICH_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    price_wan = _money_field(
        _("Price (10k CNY)"), _("Indicative price in 万元; or tick “price negotiable”.")
    )
    price_max_wan = _money_field(
        _("Price up to (10k CNY)"),
        _("Only for a price range such as 10–50 万元: its upper end."),
    )
    cover_image = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF; at most 10 MB and 6000 × 6000 pixels."),
        widget=forms.FileInput(attrs=file_check_attrs(IMAGE_ACCEPT, MAX_IMAGE_BYTES)),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    gallery_uploads = MultipleFileField(
        label=_("Add gallery images"),
        required=False,
        help_text=_(
            "You may choose several files: JPEG, PNG, WebP or GIF, at most 10 MB each."
        ),
        widget=MultipleFileInput(attrs=file_check_attrs(IMAGE_ACCEPT, MAX_IMAGE_BYTES)),
    )
    remove_gallery = forms.ModelMultipleChoiceField(
        label=_("Remove gallery images"),
        queryset=OutcomeImage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachment_uploads = MultipleFileField(
        label=_("Add PDF attachments"),
        required=False,
        help_text=_("Brochures or test reports as PDF, at most 20 MB each."),
        widget=MultipleFileInput(attrs=file_check_attrs(PDF_ACCEPT, MAX_PDF_BYTES)),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=OutcomeAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Outcome
        fields = [
            *ListingForm.common_fields,
            "description",
            "advantages",
            "comparison",
            "applications",
            "maturity",
            "maturity_evidence",
            "price_wan",
            "price_max_wan",
            "price_negotiable",
            "team",
        ]
        widgets = {
            "advantages": forms.Textarea(attrs={"rows": 4}),
            "comparison": forms.Textarea(attrs={"rows": 4}),
            "applications": forms.Textarea(attrs={"rows": 3}),
            "maturity_evidence": forms.Textarea(attrs={"rows": 3}),
            "team": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cover_image", "gallery_uploads", "attachment_uploads"):
            # A copy per form: the class's widget is shared by every request.
            self.fields[name].widget.attrs = dict(self.fields[name].widget.attrs)
            add_file_check_messages(self.fields[name].widget)
        self.fields["maturity"].help_text = _(
            "Laboratory 1–3 · bench scale 4–5 · pilot scale 6 · trial production "
            "7–8 · mass production 9."
        )
        if self.instance.pk:
            self.fields["remove_gallery"].queryset = OutcomeImage.objects.filter(
                outcome=self.instance
            )
            self.fields[
                "remove_attachments"
            ].queryset = OutcomeAttachment.objects.filter(outcome=self.instance)

    def clean_cover_image(self) -> Any:
        upload = self.cleaned_data.get("cover_image")
        if upload:
            check_image(upload)
        return upload

    def clean_gallery_uploads(self) -> list[Any]:
        uploads = self.cleaned_data.get("gallery_uploads") or []
        _check_each(uploads, check_image)
        return uploads

    def clean_attachment_uploads(self) -> list[Any]:
        uploads = self.cleaned_data.get("attachment_uploads") or []
        _check_each(uploads, check_pdf)
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_count(
            "gallery_uploads",
            "remove_gallery",
            MAX_GALLERY_IMAGES,
            _("A gallery holds at most %(max)s images."),
        )
        self._check_count(
            "attachment_uploads",
            "remove_attachments",
            MAX_ATTACHMENTS,
            _("An outcome holds at most %(max)s attachments."),
        )
        # A missing price does not stop a draft: submitting asks for it.
        return data

    def _check_count(
        self, upload_name: str, remove_name: str, limit: int, message: Any
    ) -> None:
        uploads = self.cleaned_data.get(upload_name)
        if not uploads:
            return
        existing = self.fields[remove_name].queryset.count()  # type: ignore[attr-defined]
        removed = len(self.cleaned_data.get(remove_name) or [])
        if existing - removed + len(uploads) > limit:
            self.add_error(
                upload_name,
                ValidationError(message, code="too_many", params={"max": limit}),
            )


def _check_each(uploads: list[Any], check: Any) -> None:
    errors = []
    for upload in uploads:
        try:
            check(upload)
        except ValidationError as error:
            errors += [
                ValidationError(
                    "%(name)s: %(error)s",
                    code=error.code,
                    params={"name": upload.name, "error": message},
                )
                for message in error.messages
            ]
    if errors:
        raise ValidationError(errors)


class DemandForm(ListingForm):
    """A technology demand."""

    problem = RichTextField(
        label=_("Problem description"),
        required=False,
        help_text=RICH_TEXT_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    objectives = LinesField(
        label=_("Technical objectives"),
        required=False,
        help_text=_(
            "One measurable objective per line, with its figure and unit, e.g. "
            "“nickel in the effluent ≤ 0.1 mg/L”."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    budget_min_wan = _money_field(_("Budget from (10k CNY)"))
    budget_max_wan = _money_field(_("Budget up to (10k CNY)"))
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day solutions are accepted."),
    )

    class Meta:
        model = Demand
        fields = [
            *ListingForm.common_fields,
            "problem",
            "objectives",
            "expected_maturity",
            "budget_min_wan",
            "budget_max_wan",
            "budget_negotiable",
            "deadline",
        ]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise ValidationError(
                _("The deadline cannot be in the past."), code="deadline_past"
            )
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("budget_min_wan"), data.get("budget_max_wan")
        if low is not None and high is not None and low > high:
            self.add_error(
                "budget_max_wan",
                ValidationError(
                    _(
                        "The upper bound of the budget must not be below its lower bound."
                    ),
                    code="budget_order",
                ),
            )
        return data


# Chinese patent numbers, loosely: application or patent numbers (ZL/CN optional,
# 8 digits before 2004 or 12 since, an optional dot, a check digit or X) and
# publication numbers (CN + 7–9 digits + kind code such as A, B, U, S).
PATENT_NUMBER = re.compile(
    r"^(?:(?:ZL|CN)?(?:\d{8}|\d{12})\.?[\dX]|CN\d{7,9}[A-Z]\d?)$"
)
SOFTWARE_NUMBER = re.compile(r"^(?:19|20)\d{2}SR\d{5,7}$")
PATENT_KINDS = {IPRightKind.INVENTION, IPRightKind.UTILITY, IPRightKind.DESIGN}


def normalise_ip_number(value: str) -> str:
    """Upper case, half-width, without spaces: ＺＬ２０２３… → ZL2023…."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


class IPRightForm(forms.ModelForm):
    """One patent, software copyright or technical secret."""

    class Meta:
        model = IPRight
        fields = ["kind", "number", "title", "legal_status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        number = normalise_ip_number(data.get("number") or "")
        data["number"] = number
        if kind in PATENT_KINDS:
            if not number:
                self.add_error("number", _("A patent needs its number."))
            elif not PATENT_NUMBER.match(number):
                self.add_error(
                    "number",
                    _(
                        "This does not look like a Chinese patent number. Write it "
                        "like ZL202310123456.7, 202310123456.7 or CN114123456A."
                    ),
                )
        elif kind == IPRightKind.SOFTWARE:
            if not number:
                self.add_error(
                    "number", _("A software copyright needs its registration number.")
                )
            elif not SOFTWARE_NUMBER.match(number):
                self.add_error(
                    "number",
                    _(
                        "This does not look like a software copyright registration "
                        "number. Write it like 2023SR1234567."
                    ),
                )
        return data


IPRightFormSet = forms.inlineformset_factory(
    Outcome,
    IPRight,
    form=IPRightForm,
    extra=2,
    max_num=20,
    validate_max=True,
    can_delete=True,
)


def form_class_for(listing: Listing) -> type[ListingForm]:
    """The form of a listing's kind."""
    return OutcomeForm if isinstance(listing, Outcome) else DemandForm
