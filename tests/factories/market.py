"""Factories for market models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from market.models import Demand, ListingStatus, Organisation, OrganisationKind, Outcome
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


def _field(code: str = "0401"):  # 新材料 · 金属材料
    from market.models import TechField

    return TechField.objects.get(code=code)


def _region(code: str = "320506"):  # 江苏省 苏州市 吴中区
    from market.models import Region

    return Region.objects.get(code=code)


class _ListingFactory(DjangoModelFactory):
    """Fields every listing shares; complete enough to pass submission."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"高性能铝合金轻量化技术{n}")
    summary = "面向新能源汽车车身的高强韧铝合金及其一体化压铸工艺，减重30%以上。"
    organisation = factory.SubFactory(OrganisationFactory)
    field = factory.LazyFunction(_field)
    region = factory.LazyFunction(_region)
    contact_name = "张工"
    contact_phone = "0512-12345678"
    contact_email = "contact@example.cn"
    keywords = factory.LazyFunction(lambda: ["铝合金", "一体化压铸", "轻量化"])
    status = ListingStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=ListingStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            first_published_at=factory.LazyFunction(timezone.now),
            valid_until=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=365)
            ),
        )
        submitted = factory.Trait(
            status=ListingStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def modes(self, create: bool, extracted: Any, **kwargs: Any):
        """``modes=["license", "transfer"]``; defaults to licence."""
        if create:
            from market.models import CooperationMode

            self.modes.set(
                CooperationMode.objects.filter(code__in=extracted or ["license"])
            )


class OutcomeFactory(_ListingFactory):
    class Meta:
        model = Outcome

    description = "<p>采用稀土微合金化与热处理协同调控，屈服强度达到 320 MPa。</p>"
    advantages = "强度提高25%，成本降低18%。"
    maturity = 6
    price_wan = Decimal("300")


class DemandFactory(_ListingFactory):
    class Meta:
        model = Demand

    title = factory.Sequence(lambda n: f"寻求工业废水中重金属深度去除技术{n}")
    problem = "<p>现有化学沉淀法出水镍浓度不稳定，难以稳定达到 0.1 mg/L。</p>"
    objectives = factory.LazyFunction(lambda: ["出水镍 ≤ 0.1 mg/L", "吨水成本 ≤ 3 元"])
    expected_maturity = 6
    budget_min_wan = Decimal("50")
    budget_max_wan = Decimal("200")
    deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=90)
    )
