"""Moderators set each transfer agent's fields and regions in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AgentProfile
from accounts.roles import Role
from market.models import Region, TechField
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_moderator_sets_an_agents_coverage(client, role_groups):
    agent = UserFactory(roles=[Role.AGENT])
    field = TechField.objects.get(code="04")
    region = Region.objects.get(code="320000")
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    form = client.get(reverse("agentprofile:add"))
    assert form.status_code == 200
    response = client.post(
        reverse("agentprofile:add"),
        {"user": agent.pk, "fields": [field.pk], "regions": [region.pk]},
    )
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=agent)
    assert list(profile.fields.all()) == [field]
    assert list(profile.regions.all()) == [region]


def test_only_agents_can_be_given_a_coverage(client, role_groups):
    researcher = UserFactory(roles=[Role.RESEARCHER])
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    response = client.post(reverse("agentprofile:add"), {"user": researcher.pk})
    assert response.status_code == 200  # the form again, with the error
    assert not AgentProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.RESEARCHER])
def test_agents_and_others_cannot_edit_coverage(client, role_groups, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("agentprofile:add"))
    assert response.status_code in (302, 403)
    assert not AgentProfile.objects.exists()
