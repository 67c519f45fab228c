"""market.permissions: every kind of user against every listing status and confidentiality tier."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    AccessReason,
    AccessRequest,
    AccessRequestStatus,
    Confidentiality,
    Listing,
    ListingStatus,
    OrganisationKind,
)
from market.permissions import (
    can_edit,
    can_see_contact,
    can_see_owner,
    can_view,
    protected_access_reason,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

S = ListingStatus
STATUSES = [S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.ARCHIVED, S.EXPIRED]
PEOPLE = ["anonymous", "owner", "other_researcher", "enterprise", "agent", "moderator"]


@pytest.fixture
def world(db, role_groups):
    """One university's listing and one user of each kind, built once per test."""
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    other_university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    firm = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
    owner = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=owner, organisation=university)
    other = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=other, organisation=other_university)
    enterprise = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=enterprise, organisation=firm)
    return {
        "organisation": university,
        "people": {
            "anonymous": AnonymousUser(),
            "owner": owner,
            "other_researcher": other,
            "enterprise": enterprise,
            "agent": UserFactory(roles=[Role.AGENT]),
            "moderator": UserFactory(roles=[Role.MODERATOR]),
        },
    }


def _listing(world, status, confidentiality=Confidentiality.PUBLIC) -> Listing:
    return OutcomeFactory(
        organisation=world["organisation"],
        status=status,
        confidentiality=confidentiality,
    )


# Who sees a listing that is not published: its organisation and the moderators.
VIEW_UNPUBLISHED = {"owner", "moderator"}
EDITABLE = {S.DRAFT, S.REJECTED, S.PUBLISHED, S.ARCHIVED, S.EXPIRED}


@pytest.mark.parametrize("status", STATUSES)
def test_can_view_matrix(world, status):
    listing = _listing(world, status)
    for name, user in world["people"].items():
        expected = status == S.PUBLISHED or name in VIEW_UNPUBLISHED
        assert can_view(user, listing) is expected, (name, status)


@pytest.mark.parametrize("status", STATUSES)
def test_can_edit_matrix_only_owner_outside_review(world, status):
    listing = _listing(world, status)
    for name, user in world["people"].items():
        expected = name == "owner" and status in EDITABLE
        assert can_edit(user, listing) is expected, (name, status)


@pytest.mark.parametrize("status", STATUSES)
def test_can_see_owner_matrix(world, status):
    public = _listing(world, status)
    anonymous = _listing(world, status, Confidentiality.ANONYMOUS)
    for name, user in world["people"].items():
        assert can_see_owner(user, public) is True, (name, status)
        expected = name in {"owner", "agent", "moderator"}
        assert can_see_owner(user, anonymous) is expected, (name, status)


@pytest.mark.parametrize("status", STATUSES)
def test_can_see_contact_matrix(world, status):
    public = _listing(world, status)
    anonymous = _listing(world, status, Confidentiality.ANONYMOUS)
    for name, user in world["people"].items():
        assert can_see_contact(user, public) is (name != "anonymous"), (name, status)
        expected = name in {"owner", "agent", "moderator"}
        assert can_see_contact(user, anonymous) is expected, (name, status)


EXPECTED_REASON = {
    "anonymous": None,
    "owner": AccessReason.OWNER,
    "other_researcher": None,
    "enterprise": None,
    "agent": AccessReason.AGENT,
    "moderator": AccessReason.MODERATOR,
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("tier", [Confidentiality.PUBLIC, Confidentiality.ANONYMOUS])
def test_protected_access_reason_matrix(world, status, tier):
    listing = _listing(world, status, tier)
    for name, user in world["people"].items():
        assert protected_access_reason(user, listing) == EXPECTED_REASON[name], (
            name,
            status,
        )


@pytest.mark.parametrize(
    ("request_status", "expected"),
    [
        (AccessRequestStatus.GRANTED, AccessReason.GRANT),
        (AccessRequestStatus.PENDING, None),
        (AccessRequestStatus.DECLINED, None),
        (AccessRequestStatus.REVOKED, None),
    ],
)
def test_protected_access_reason_follows_the_requests_status(
    world, request_status, expected
):
    listing = _listing(world, S.PUBLISHED)
    requester = world["people"]["enterprise"]
    AccessRequest.objects.create(
        listing=listing,
        requester=requester,
        accepted_note_at=timezone.now(),
        status=request_status,
    )
    assert protected_access_reason(requester, listing) == expected
    # A grant for one user opens nothing for another.
    assert protected_access_reason(world["people"]["other_researcher"], listing) is None


def test_inactive_membership_gives_no_owner_rights(world):
    listing = _listing(world, S.DRAFT)
    former = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=former, organisation=world["organisation"], is_active=False)
    assert can_view(former, listing) is False
    assert can_edit(former, listing) is False
    assert protected_access_reason(former, listing) is None
