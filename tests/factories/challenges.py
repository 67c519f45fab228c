"""Factories for challenges (榜单), campaigns and applications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from market.models import (
    Campaign,
    CampaignStatus,
    Challenge,
    ChallengeApplication,
    ChallengeIndicator,
    ChallengeStatus,
    ReviewCriterion,
)
from tests.factories.market import OrganisationFactory, _field, _region


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    operator = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"中国创新挑战赛（苏州）第{n}届")
    description = "<p>面向先进制造企业征集技术难题。</p>"
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=60)
    )
    status = CampaignStatus.OPEN


class ChallengeFactory(DjangoModelFactory):
    """A complete draft: one indicator and criteria whose weights add up to 100.

    ``ChallengeFactory(status=ChallengeStatus.PUBLISHED)`` puts it straight into a
    status (with ``published_at`` set from publication on).
    """

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    issuer = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"高镍正极材料循环寿命提升{n}")
    background = "<p>现有高镍三元正极材料在 45 ℃ 循环衰减过快。</p>"
    objectives = "1000 次循环容量保持率不低于 90 %。"
    deliverables = "工艺包、样品 50 kg、第三方检测报告。"
    field = factory.LazyFunction(_field)
    region = factory.LazyFunction(_region)
    bounty_wan = Decimal("500")
    duration_months = 18
    application_deadline = factory.LazyFunction(
        lambda: timezone.now() + dt.timedelta(days=30)
    )
    contact_name = "李工"
    contact_phone = "0512-87654321"
    status = ChallengeStatus.DRAFT
    published_at = factory.LazyAttribute(
        lambda o: (
            None
            if o.status
            in (
                ChallengeStatus.DRAFT,
                ChallengeStatus.SUBMITTED,
                ChallengeStatus.REJECTED,
            )
            else timezone.now() - dt.timedelta(days=1)
        )
    )

    @factory.post_generation
    def indicators(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        for order, (name, unit, target) in enumerate(
            [("容量保持率", "%", "90")] if extracted is None else extracted, start=1
        ):
            ChallengeIndicator.objects.create(
                challenge=self,
                name=name,
                unit=unit,
                target_value=Decimal(target),
                measurement="GB/T 31484 循环寿命试验，第三方检测",
                sort_order=order,
            )

    @factory.post_generation
    def criteria(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        for order, (name, weight) in enumerate(
            [("技术方案", 60), ("团队能力", 40)] if extracted is None else extracted,
            start=1,
        ):
            ReviewCriterion.objects.create(
                challenge=self, name=name, weight=weight, sort_order=order
            )


class ChallengeApplicationFactory(DjangoModelFactory):
    class Meta:
        model = ChallengeApplication

    challenge = factory.SubFactory(ChallengeFactory, status=ChallengeStatus.PUBLISHED)
    lead_organisation = factory.SubFactory(OrganisationFactory)
    team_lead_name = "王博士"
    proposal = "<p>采用单晶化与表面包覆协同改性。</p>"
    declarations_confirmed = True


def challenge_in_delivery(
    *,
    issuer: Any = None,
    indicators: Any = None,
    bounty: str = "100",
    milestones: Any = (
        ("小试验证", 4, "小试样品与检测报告"),
        ("中试与验收", 12, "中试样机"),
    ),
    start: bool = True,
    now: dt.datetime | None = None,
) -> Challenge:
    """A challenge awarded to a submitted application (whose promise is 110 % of each
    target and whose schedule is ``milestones``: title, month, deliverable), its
    objection period over; started (in progress, milestones agreed) unless ``start``
    is False."""
    from market.models import ApplicationMilestone, ApplicationStatus, IndicatorResponse
    from market.services.challenges import start_delivery

    challenge = ChallengeFactory(
        status=ChallengeStatus.UNDER_REVIEW,
        issuer=issuer or OrganisationFactory(),
        bounty_wan=Decimal(bounty),
        indicators=indicators,
    )
    application = ChallengeApplicationFactory(
        challenge=challenge,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=30),
    )
    for indicator in challenge.indicators.all():
        IndicatorResponse.objects.create(
            application=application,
            indicator=indicator,
            promised_value=indicator.target_value * Decimal("1.1"),
        )
    for order, (title, month, deliverable) in enumerate(milestones, start=1):
        ApplicationMilestone.objects.create(
            application=application,
            title=title,
            month=month,
            deliverable=deliverable,
            budget_wan=Decimal("10"),
            sort_order=order,
        )
    Challenge.objects.filter(pk=challenge.pk).update(
        status=ChallengeStatus.AWARDED,
        awarded_application=application,
        awarded_at=timezone.now() - dt.timedelta(days=10),
        objection_period_ends_at=timezone.now() - dt.timedelta(days=3),
    )
    if start:
        from tests.factories.accounts import MembershipFactory, UserFactory

        starter = UserFactory()
        MembershipFactory(user=starter, organisation=challenge.issuer)
        start_delivery(challenge.pk, by_user_id=starter.pk, now=now)
    challenge.refresh_from_db()
    return challenge
