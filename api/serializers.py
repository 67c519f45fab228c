"""What the API reads and writes. Visibility comes from ``market.permissions``;
the serializers only leave out what the caller may not see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from market import permissions
from market.models import (
    Challenge,
    Confidentiality,
    CooperationMode,
    Demand,
    Listing,
    Maturity,
    Outcome,
    Region,
    TechField,
)
from market.sanitize import sanitize_rich_text

# The workbench form's limits (cms/workbench/forms.py): the API validates alike.
MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 30
MAX_OBJECTIVES = 20
MAX_OBJECTIVE_CHARS = 200


class CodeName(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class Contact(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


def _code_name(item: Any) -> dict[str, str] | None:
    if item is None:
        return None
    return {"code": item.code, "name": str(item)}


def _viewer(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ListingSerializer(serializers.Serializer):
    """The fields every listing shows; the organisation and contact only to whom
    ``market.permissions`` shows them."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    field = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    modes = serializers.SerializerMethodField()
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices, read_only=True
    )
    contact = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    valid_until = serializers.DateField(read_only=True, allow_null=True)

    @extend_schema_field(CodeName(allow_null=True))
    def get_field(self, listing: Listing) -> dict[str, str] | None:
        return _code_name(listing.field)

    @extend_schema_field(CodeName(allow_null=True))
    def get_region(self, listing: Listing) -> dict[str, str] | None:
        return _code_name(listing.region)

    @extend_schema_field(OrganisationRef(allow_null=True))
    def get_organisation(self, listing: Listing) -> dict[str, Any] | None:
        if not permissions.can_see_owner(_viewer(self), listing):
            return None
        return {"id": listing.organisation_id, "name": listing.organisation.name}

    @extend_schema_field(CodeName(many=True))
    def get_modes(self, listing: Listing) -> list[dict[str, str]]:
        return [{"code": m.code, "name": str(m)} for m in listing.modes.all()]

    @extend_schema_field(Contact(allow_null=True))
    def get_contact(self, listing: Listing) -> dict[str, str] | None:
        if not permissions.can_see_contact(_viewer(self), listing):
            return None
        return {
            "name": listing.contact_name,
            "phone": listing.contact_phone,
            "email": listing.contact_email,
        }


class OutcomeSerializer(ListingSerializer):
    """A research outcome as the public (or its owner) reads it."""

    description = serializers.CharField(read_only=True)
    advantages = serializers.CharField(read_only=True)
    comparison = serializers.CharField(read_only=True)
    applications = serializers.CharField(read_only=True)
    maturity = serializers.IntegerField(read_only=True, allow_null=True)
    maturity_evidence = serializers.CharField(read_only=True)
    price_wan = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    price_max_wan = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    price_negotiable = serializers.BooleanField(read_only=True)
    team = serializers.CharField(read_only=True)


class DemandSerializer(ListingSerializer):
    """A technology demand as the public (or its owner) reads it."""

    problem = serializers.CharField(read_only=True)
    objectives = serializers.ListField(child=serializers.CharField(), read_only=True)
    expected_maturity = serializers.IntegerField(read_only=True, allow_null=True)
    budget_min_wan = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    budget_max_wan = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    budget_negotiable = serializers.BooleanField(read_only=True)
    deadline = serializers.DateField(read_only=True, allow_null=True)


class ProtectedMixin(serializers.Serializer):
    """Detail only: the protected details, read through the logging service."""

    protected_details = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_protected_details(self, listing: Listing) -> str | None:
        return self.context.get("protected_details")


class OutcomeDetailSerializer(OutcomeSerializer, ProtectedMixin):
    pass


class DemandDetailSerializer(DemandSerializer, ProtectedMixin):
    pass


class OwnMixin(serializers.Serializer):
    """What an owner sees of their own listing besides the public fields."""

    status = serializers.CharField(read_only=True)
    rejection_reason = serializers.CharField(read_only=True)
    has_pending_changes = serializers.BooleanField(read_only=True)
    latest_revision_id = serializers.IntegerField(read_only=True, allow_null=True)
    protected_details = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class OwnOutcomeSerializer(OutcomeSerializer, OwnMixin):
    pass


class OwnDemandSerializer(DemandSerializer, OwnMixin):
    pass


# -- writing one's own listings ---------------------------------------------------


def _money(required: bool = False) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        allow_null=True,
        error_messages={"min_value": _("An amount cannot be negative.")},
    )


class ListingWrite(serializers.Serializer):
    """The owner's form, as JSON: the same limits as the workbench form. A draft may
    hold its title alone; submitting asks for the rest."""

    organisation = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=600, required=False, allow_blank=True)
    field = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=10
    )
    region = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=6
    )
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=MAX_KEYWORD_CHARS),
        required=False,
        max_length=MAX_KEYWORDS,
    )
    modes = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=20
    )
    contact_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True
    )
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices, required=False
    )
    protected_details = serializers.CharField(required=False, allow_blank=True)
    loaded_revision_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=0
    )

    def validate_title(self, value: str) -> str:
        title = " ".join(value.split())
        if not title:
            raise serializers.ValidationError(_("This field may not be blank."))
        return title

    def validate_field(self, value: str | None) -> TechField | None:
        if not value:
            return None
        field = TechField.objects.filter(code=value, is_active=True).first()
        if field is None:
            raise serializers.ValidationError(_("Unknown technology field code."))
        return field

    def validate_region(self, value: str | None) -> Region | None:
        if not value:
            return None
        region = Region.objects.filter(code=value).first()
        if region is None:
            raise serializers.ValidationError(_("Unknown region code."))
        return region

    def validate_keywords(self, value: list[str]) -> list[str]:
        seen: set[str] = set()
        keywords = []
        for raw in value:
            keyword = raw.strip()
            if keyword and keyword.casefold() not in seen:
                seen.add(keyword.casefold())
                keywords.append(keyword)
        return keywords

    def validate_modes(self, value: list[str]) -> list[CooperationMode]:
        modes = list(CooperationMode.objects.filter(code__in=value))
        unknown = sorted(set(value) - {m.code for m in modes})
        if unknown:
            raise serializers.ValidationError(
                _("Unknown cooperation modes: %(codes)s")
                % {"codes": ", ".join(unknown)}
            )
        return modes

    def validate_summary(self, value: str) -> str:
        return value.strip()


class OutcomeWrite(ListingWrite):
    description = serializers.CharField(required=False, allow_blank=True)
    advantages = serializers.CharField(required=False, allow_blank=True)
    comparison = serializers.CharField(required=False, allow_blank=True)
    applications = serializers.CharField(required=False, allow_blank=True)
    maturity = serializers.ChoiceField(
        choices=Maturity.choices, required=False, allow_null=True
    )
    maturity_evidence = serializers.CharField(required=False, allow_blank=True)
    price_wan = _money()
    price_max_wan = _money()
    price_negotiable = serializers.BooleanField(required=False)
    team = serializers.CharField(required=False, allow_blank=True)

    def validate_description(self, value: str) -> str:
        return sanitize_rich_text(value)


class DemandWrite(ListingWrite):
    problem = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.ListField(
        child=serializers.CharField(max_length=MAX_OBJECTIVE_CHARS),
        required=False,
        max_length=MAX_OBJECTIVES,
    )
    expected_maturity = serializers.ChoiceField(
        choices=Maturity.choices, required=False, allow_null=True
    )
    budget_min_wan = _money()
    budget_max_wan = _money()
    budget_negotiable = serializers.BooleanField(required=False)
    deadline = serializers.DateField(required=False, allow_null=True)

    def validate_problem(self, value: str) -> str:
        return sanitize_rich_text(value)

    def validate_objectives(self, value: list[str]) -> list[str]:
        return [line.strip() for line in value if line.strip()]

    def validate_deadline(self, value: dt.date | None) -> dt.date | None:
        if value and value < timezone.localdate():
            raise serializers.ValidationError(_("The deadline cannot be in the past."))
        return value


WRITE_SERIALIZERS: dict[type[Listing], type[ListingWrite]] = {
    Outcome: OutcomeWrite,
    Demand: DemandWrite,
}
OWN_SERIALIZERS: dict[type[Listing], type[serializers.Serializer]] = {
    Outcome: OwnOutcomeSerializer,
    Demand: OwnDemandSerializer,
}


# -- challenges ----------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    target_value = serializers.DecimalField(max_digits=18, decimal_places=6)


class ChallengeSerializer(serializers.Serializer):
    """A public challenge; the issuer hidden when the challenge is anonymous."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    issuer = serializers.SerializerMethodField()
    field = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    bounty_wan = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    application_deadline = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    campaign = serializers.SerializerMethodField()

    @extend_schema_field(OrganisationRef(allow_null=True))
    def get_issuer(self, challenge: Challenge) -> dict[str, Any] | None:
        if not permissions.can_see_issuer(_viewer(self), challenge):
            return None
        return {"id": challenge.issuer_id, "name": challenge.issuer.name}

    @extend_schema_field(CodeName(allow_null=True))
    def get_field(self, challenge: Challenge) -> dict[str, str] | None:
        return _code_name(challenge.field)

    @extend_schema_field(CodeName(allow_null=True))
    def get_region(self, challenge: Challenge) -> dict[str, str] | None:
        return _code_name(challenge.region)

    @extend_schema_field(OrganisationRef(allow_null=True))
    def get_campaign(self, challenge: Challenge) -> dict[str, Any] | None:
        campaign = challenge.campaign
        return {"id": campaign.pk, "name": campaign.title} if campaign else None


class ChallengeDetailSerializer(ChallengeSerializer):
    background = serializers.CharField()
    objectives = serializers.CharField()
    deliverables = serializers.CharField()
    eligibility = serializers.CharField()
    payment_terms = serializers.CharField()
    duration_months = serializers.IntegerField(allow_null=True)
    indicators = IndicatorSerializer(many=True, source="indicators.all")
    contact = serializers.SerializerMethodField()

    @extend_schema_field(Contact(allow_null=True))
    def get_contact(self, challenge: Challenge) -> dict[str, str] | None:
        if not permissions.can_see_challenge_contact(_viewer(self), challenge):
            return None
        return {
            "name": challenge.contact_name,
            "phone": challenge.contact_phone,
            "email": challenge.contact_email,
        }
