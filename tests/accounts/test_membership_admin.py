"""The Wagtail admin's membership view set follows Django model permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership, MembershipRole
from accounts.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_membership_list_is_reachable_for_an_administrator(client, role_groups):
    membership = MembershipFactory(title="技术经理")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))

    response = client.get(reverse("memberships:index"), {"q": "技术经理"})

    assert response.status_code == 200
    assert membership.organisation.name in response.content.decode()


def test_membership_list_is_forbidden_for_a_moderator(client, role_groups):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(reverse("memberships:index"))

    # Wagtail sends users without the permission back to the dashboard.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_membership_admin_adds_a_member_to_an_organisation(client, role_groups):
    user = UserFactory()
    organisation = OrganisationFactory()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))

    response = client.post(
        reverse("memberships:add"),
        {
            "user": user.pk,
            "organisation": organisation.pk,
            "role": MembershipRole.ADMIN,
            "title": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=user, organisation=organisation).role == "admin"
