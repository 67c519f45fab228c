"""Factories for market models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from market.models import Organisation, OrganisationKind
from market.validators import uscc_check_character


def credit_code_for(n: int) -> str:
    """A valid, unique unified social credit code for sequence number ``n``."""
    first17 = f"91110000{n:09d}"
    return first17 + uscc_check_character(first17)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    kind = OrganisationKind.ENTERPRISE
    credit_code = factory.Sequence(credit_code_for)
    province = "江苏省"
    city = "苏州市"
    is_verified = False
