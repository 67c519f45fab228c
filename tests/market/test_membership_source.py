"""The market asks the membership source accounts registers, not accounts' relations."""

from __future__ import annotations

import pytest

from market import membership
from market.permissions import is_owner, member_organisation_ids
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_active_members_own_their_organisations_listings_and_former_members_do_not():
    member, former = UserFactory(), UserFactory()
    outcome = OutcomeFactory()
    MembershipFactory(user=member, organisation=outcome.organisation)
    MembershipFactory(user=former, organisation=outcome.organisation, is_active=False)

    assert member_organisation_ids(member) == {outcome.organisation_id}
    assert is_owner(member, outcome)
    assert not is_owner(former, outcome)


def test_without_a_membership_source_nobody_owns_anything():
    member = UserFactory()
    outcome = OutcomeFactory()
    MembershipFactory(user=member, organisation=outcome.organisation)
    registered = membership._source
    membership.register_membership_source(None)
    try:
        assert member_organisation_ids(member) == set()
        assert not is_owner(member, outcome)
    finally:
        membership.register_membership_source(registered)
