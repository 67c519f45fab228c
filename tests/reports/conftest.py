"""A small market with known dates for the statistics tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from market.models import (
    DealPayment,
    DealStage,
    DealTransition,
    InterestKind,
    InterestRequest,
    Region,
    TechField,
)
from tests.factories import UserFactory
from tests.factories.challenges import ChallengeFactory
from tests.factories.deals import deal_at
from tests.factories.introductions import ProposalFactory, introduce
from tests.factories.market import DemandFactory, OrganisationFactory, OutcomeFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """An instant given in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def roles(db):
    sync_role_groups()


@pytest.fixture
def cast(roles):
    return {
        "manager": UserFactory(roles=[Role.MANAGER]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "agent": UserFactory(roles=[Role.AGENT]),
        "researcher": UserFactory(roles=[Role.RESEARCHER]),
        "enterprise": UserFactory(roles=[Role.ENTERPRISE]),
    }


@pytest.fixture
def market(db):
    """Listings posted in January–March 2026 (and around it) in two fields and provinces.

    Made to catch mistakes: a listing published just after midnight Beijing time on
    1 March (still February in UTC), listings outside the period, a draft never
    published, sub-fields counted in their top-level field.
    """
    metals = TechField.objects.get(code="0401")  # 新材料 · 金属材料
    software = TechField.objects.get(code="0101")  # 电子信息 · 软件
    suzhou = Region.objects.get(code="320506")
    beijing = (
        Region.objects.filter(code__startswith="11").exclude(code="110000").first()
    )
    university = OrganisationFactory(name="江南理工大学", kind="university")
    firm = OrganisationFactory(name="=苏州精工", province="江苏省", city="苏州市")
    other = OrganisationFactory(name="北京创新科技", province="北京市")

    def outcome(when, **extra):
        extra.setdefault("organisation", university)
        return OutcomeFactory(
            published=True, first_published_at=when, published_at=when, **extra
        )

    def demand(when, **extra):
        extra.setdefault("organisation", firm)
        return DemandFactory(
            published=True, first_published_at=when, published_at=when, **extra
        )

    items = {
        "o_jan": outcome(at(2026, 1, 15), field=metals, region=suzhou, view_count=5),
        "o_feb": outcome(at(2026, 2, 3), field=software, region=suzhou),
        "o_mar_midnight": outcome(
            at(2026, 3, 1, 0, 30),
            field=metals,
            region=beijing,
            organisation=other,
            view_count=2,
        ),
        "o_dec": outcome(at(2025, 12, 31, 23, 50), field=metals, region=suzhou),
        "o_apr": outcome(at(2026, 4, 1, 0, 5), field=metals, region=suzhou),
        "d_jan": demand(at(2026, 1, 20), field=metals, region=suzhou, view_count=1),
        "d_mar": demand(at(2026, 3, 31, 23, 59), field=software, region=beijing),
        "d_mar2": demand(at(2026, 3, 10), field=metals, region=suzhou, view_count=9),
        "draft": OutcomeFactory(organisation=university, field=metals),
    }
    items["c_feb"] = ChallengeFactory(
        issuer=firm,
        field=metals,
        region=suzhou,
        status="published",
        published_at=at(2026, 2, 14),
    )
    sender = UserFactory()
    for key in ("o_jan", "o_jan", "d_mar2"):
        InterestRequest.objects.create(
            listing=items[key], sender=sender, kind=InterestKind.choices[0][0]
        )
    agent = UserFactory()
    # o_jan and d_jan introduced (demand published 20 Jan 12:00).
    proposal = ProposalFactory(demand=items["d_jan"], outcome=items["o_jan"])
    introduction = introduce(proposal, agent=agent, requester=UserFactory())
    type(introduction).objects.filter(pk=introduction.pk).update(
        created_at=at(2026, 2, 4, 0, 0)
    )
    items["introduction"] = introduction
    items.update(
        metals=metals,
        software=software,
        suzhou=suzhou,
        beijing=beijing,
        university=university,
        firm=firm,
        other=other,
        agent=agent,
    )
    return items


@pytest.fixture
def deals(market):
    m = market
    d = {
        # Both parties in Suzhou: inside the zone.
        "inside": deal_at(
            DealStage.REGISTERED,
            outcome=m["o_jan"],
            demand=m["d_jan"],
            contract="120",
            transaction="100",
            mode="transfer",
            on=dt.date(2026, 1, 10),
        ),
        # Seller in Beijing, buyer in Suzhou: absorbed from outside.
        "absorbed": deal_at(
            DealStage.COMPLETED,
            outcome=m["o_mar_midnight"],
            demand=m["d_mar2"],
            contract="80.50",
            transaction="60",
            mode="licence",
            on=dt.date(2026, 2, 20),
        ),
        # Seller in Suzhou, buyer in Beijing: output to outside.
        "output": deal_at(
            DealStage.PERFORMING,
            outcome=m["o_feb"],
            demand=m["d_mar"],
            contract="50",
            transaction="40",
            mode="transfer",
            on=dt.date(2026, 3, 31),
        ),
        "signed_only": deal_at(DealStage.SIGNED, on=dt.date(2026, 2, 1)),
        "later": deal_at(DealStage.REGISTERED, on=dt.date(2026, 4, 2), contract="999"),
        "terminated": deal_at(DealStage.TERMINATED),
    }
    DealPayment.objects.create(
        deal=d["inside"], amount_wan=Decimal("30"), paid_on=dt.date(2026, 2, 1)
    )
    # Opened in the period: all but "later" and "terminated" (opened today).
    for key in ("inside", "absorbed", "output", "signed_only"):
        DealTransition.objects.filter(deal=d[key]).update(at=at(2026, 1, 2))
    return d
