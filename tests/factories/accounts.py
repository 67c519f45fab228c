"""Factories for accounts models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, MembershipRole, User
from accounts.services.roles import grant_role
from tests.factories.market import OrganisationFactory

PASSWORD = "quiet-harbour-2026"


class UserFactory(DjangoModelFactory):
    """A verified, active user; ``UserFactory(roles=[Role.MODERATOR])`` adds roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    username = factory.SelfAttribute("email")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email_verified = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Iterable[str] | None, **kwargs: Any):
        if create and extracted:
            for role in extracted:
                grant_role(self, role)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER
