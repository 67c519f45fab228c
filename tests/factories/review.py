"""A challenge ready for expert review, with the people around it (tests of the
review services and pages share it)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.roles import Role
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    ConsortiumMember,
)
from market.services.review import assign_expert, check_application
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.challenges import (
    ChallengeApplicationFactory,
    ChallengeFactory,
)
from tests.factories.market import OrganisationFactory


@dataclass
class ReviewScene:
    """A closed challenge (criteria 技术方案 60 %, 团队能力 40 %) under review with two
    submitted applications (the first with a consortium member), a draft one, and
    the people: issuer member, applicants, moderator, experts."""

    challenge: Challenge
    issuer_user: Any
    moderator: Any
    first: ChallengeApplication
    second: ChallengeApplication
    draft: ChallengeApplication
    first_user: Any
    member_user: Any
    second_user: Any
    experts: list[Any] = field(default_factory=list)

    @property
    def criteria(self) -> list[Any]:
        return list(self.challenge.review_criteria.all())

    def scores(self, technical: Any, team: Any) -> dict[int, Any]:
        tech, people = self.criteria
        return {tech.pk: technical, people.pk: team}

    def check_all(self) -> None:
        for application in (self.first, self.second):
            check_application(
                application.pk, by_user_id=self.moderator.pk, complete=True
            )

    def seat(self, expert: Any) -> None:
        from market.services.review import declare_no_conflict

        assign_expert(
            self.challenge.pk, expert_id=expert.pk, by_user_id=self.moderator.pk
        )
        declare_no_conflict(self.challenge.pk, expert_id=expert.pk)


_scenes = itertools.count(1)


def review_scene(
    *, blind: bool = False, status: str = ChallengeStatus.UNDER_REVIEW, experts: int = 2
) -> ReviewScene:
    """Build a ``ReviewScene``; ``experts`` users with the expert role, not assigned."""
    # Organisation names are unique: every scene after the first numbers its own.
    n = next(_scenes)
    tag = "" if n == 1 else f"（{n}）"
    now = timezone.now()
    challenge = ChallengeFactory(
        status=status,
        blind_review=blind,
        application_deadline=now - dt.timedelta(days=2),
        closed_at=now - dt.timedelta(days=1),
        issuer=OrganisationFactory(name=f"苏州锂能新材料股份有限公司{tag}"),
    )
    issuer_user = MembershipFactory(organisation=challenge.issuer).user
    moderator = UserFactory(roles=[Role.MODERATOR])

    def application(name: str, team_lead: str, **kwargs: Any) -> ChallengeApplication:
        return ChallengeApplicationFactory(
            challenge=challenge,
            lead_organisation=OrganisationFactory(name=f"{name}{tag}"),
            team_lead_name=team_lead,
            status=kwargs.pop("status", ApplicationStatus.SUBMITTED),
            submitted_at=now - dt.timedelta(days=3),
            **kwargs,
        )

    first = application("江南理工大学", "王明远")
    second = application("东吴先进材料研究院", "陈思齐")
    draft = application("未提交材料公司", "赵草稿", status=ApplicationStatus.DRAFT)
    partner = OrganisationFactory(name=f"太湖精密检测中心{tag}")
    first.lead_share = Decimal("70")
    first.save()
    ConsortiumMember.objects.create(
        application=first, organisation=partner, role="检测", share=Decimal("30")
    )
    return ReviewScene(
        challenge=challenge,
        issuer_user=issuer_user,
        moderator=moderator,
        first=first,
        second=second,
        draft=draft,
        first_user=MembershipFactory(organisation=first.lead_organisation).user,
        member_user=MembershipFactory(organisation=partner).user,
        second_user=MembershipFactory(organisation=second.lead_organisation).user,
        experts=[UserFactory(roles=[Role.EXPERT]) for _ in range(experts)],
    )
