"""The Wagtail admin: memberships and requests to join, for moderators and administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import (
    Membership,
    MembershipRequestStatus,
    MembershipRole,
    Notification,
)
from accounts.roles import Role
from accounts.services.membership import request_membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_membership_list_is_reachable_for_an_administrator(client, role_groups):
    membership = MembershipFactory(title="技术经理")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))

    response = client.get(reverse("memberships:index"), {"q": "技术经理"})

    assert response.status_code == 200
    assert membership.organisation.name in response.content.decode()


def test_moderator_sees_the_membership_list_but_not_the_plain_form(client, role_groups):
    membership = MembershipFactory(title="技术经理")
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    listing = client.get(reverse("memberships:index"), {"q": "技术经理"})
    add = client.get(reverse("memberships:add"))
    edit = client.get(reverse("memberships:edit", args=[membership.pk]))

    assert listing.status_code == 200
    html = listing.content.decode()
    assert reverse("memberships:revoke", args=[membership.pk]) in html
    assert reverse("memberships:role", args=[membership.pk, "admin"]) in html
    # Wagtail sends users without the permission back to the dashboard.
    assert add.status_code == edit.status_code == 302
    assert add.url == reverse("wagtailadmin_home")


def test_membership_list_is_forbidden_for_an_agent(client, role_groups):
    client.force_login(UserFactory(roles=[Role.AGENT]))

    response = client.get(reverse("memberships:index"))

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


# --- moderators decide in the admin ---------------------------------------------------


@pytest.fixture
def moderator(client, role_groups):
    user = UserFactory(roles=[Role.MODERATOR])
    client.force_login(user)
    return user


def test_moderator_approves_a_request_from_the_request_list(client, moderator):
    organisation = OrganisationFactory(is_verified=True)
    request = request_membership(
        UserFactory(display_name="申请人甲").pk, organisation.pk
    )
    approve = reverse("membership_requests:approve", args=[request.pk])

    listing = client.get(reverse("membership_requests:index"), {"status": "pending"})
    assert "申请人甲" in listing.content.decode()
    assert approve in listing.content.decode()
    response = client.post(approve)

    assert response.status_code == 302
    membership = Membership.objects.get(user=request.user, organisation=organisation)
    assert membership.role == MembershipRole.MEMBER and membership.is_active
    request.refresh_from_db()
    assert request.decided_by == moderator
    entry = ModelLogEntry.objects.get(action="accounts.approve_membership")
    assert entry.object_id == str(organisation.pk) and entry.user == moderator
    history = client.get(reverse("organisations:history", args=[organisation.pk]))
    assert request.user.email in history.content.decode()


def test_moderator_declines_with_a_reason(client, moderator):
    request = request_membership(UserFactory().pk, OrganisationFactory().pk)
    url = reverse("membership_requests:decline", args=[request.pk])

    form = client.get(url)
    response = client.post(url, {"reason": "无法核实身份"})

    assert form.status_code == 200
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.DECLINED
    assert request.reason == "无法核实身份"


def test_moderator_changes_a_role_and_revokes_a_membership(client, moderator):
    membership = MembershipFactory()

    client.post(reverse("memberships:role", args=[membership.pk, "admin"]))
    membership.refresh_from_db()
    assert membership.role == MembershipRole.ADMIN

    client.post(
        reverse("memberships:revoke", args=[membership.pk]), {"reason": "冒用单位"}
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert (
        "冒用单位"
        in Notification.objects.filter(recipient=membership.user).first().body
    )


def test_malformed_admin_actions_change_nothing(client, moderator):
    membership = MembershipFactory()

    bad_role = client.post(reverse("memberships:role", args=[membership.pk, "owner"]))
    missing = client.post(reverse("membership_requests:approve", args=[10**9]))
    by_get = client.get(reverse("memberships:role", args=[membership.pk, "admin"]))

    assert bad_role.status_code == 302
    assert missing.status_code == 404
    assert by_get.status_code == 405
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER and membership.is_active


def test_agents_cannot_decide_requests_or_revoke(client, role_groups):
    request = request_membership(UserFactory().pk, OrganisationFactory().pk)
    membership = MembershipFactory()
    client.force_login(UserFactory(roles=[Role.AGENT]))

    approve = client.post(reverse("membership_requests:approve", args=[request.pk]))
    decline = client.post(
        reverse("membership_requests:decline", args=[request.pk]), {"reason": "x"}
    )
    revoke = client.post(reverse("memberships:revoke", args=[membership.pk]))

    # Wagtail answers a refused admin action with a redirect to the dashboard.
    for response in (approve, decline, revoke):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    request.refresh_from_db()
    membership.refresh_from_db()
    assert request.status == MembershipRequestStatus.PENDING
    assert membership.is_active


def test_requests_cannot_be_added_or_edited_through_a_form(client, role_groups):
    request = request_membership(UserFactory().pk, OrganisationFactory().pk)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True))

    add = client.get(reverse("membership_requests:add"))
    edit = client.post(
        reverse("membership_requests:edit", args=[request.pk]), {"message": "x"}
    )

    assert add.status_code == edit.status_code == 302
    request.refresh_from_db()
    assert request.message == "" and request.is_pending


def test_founder_request_is_approved_by_verifying_the_organisation(client, moderator):
    organisation = OrganisationFactory(is_verified=False)
    founder = request_membership(UserFactory().pk, organisation.pk, founder=True)
    approve = reverse("membership_requests:approve", args=[founder.pk])

    listing = client.get(reverse("membership_requests:index")).content.decode()
    assert approve not in listing  # verify the organisation instead
    assert reverse("organisations:edit", args=[organisation.pk]) in listing
    refused = client.post(approve)
    assert not Membership.objects.exists()
    assert refused.status_code == 302

    client.post(reverse("organisations:verify", args=[organisation.pk]))

    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == founder.user
    assert membership.role == MembershipRole.ADMIN


def test_organisation_list_links_members_and_requests_for_moderators(client, moderator):
    organisation = OrganisationFactory(name="华东新材料研究院")

    html = client.get(reverse("organisations:index")).content.decode()
    members = client.get(
        reverse("memberships:index"), {"organisation": organisation.pk}
    )

    assert f"{reverse('memberships:index')}?organisation={organisation.pk}" in html
    assert members.status_code == 200
