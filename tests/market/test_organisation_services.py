"""verify_organisation: the one way an organisation becomes verified."""

from __future__ import annotations

import pytest

from market.models import Organisation
from market.services.organisations import verify_organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_verify_organisation_sets_verified_at():
    organisation = OrganisationFactory()
    moderator = UserFactory()

    verify_organisation(organisation.pk, verified_by_id=moderator.pk)

    organisation.refresh_from_db()
    assert organisation.is_verified
    assert organisation.verified_at is not None


def test_verify_organisation_twice_keeps_the_first_date():
    organisation = OrganisationFactory()
    first = verify_organisation(organisation.pk, verified_by_id=None).verified_at

    again = verify_organisation(organisation.pk, verified_by_id=None)

    assert again.verified_at == first


def test_verify_organisation_of_missing_row_raises():
    with pytest.raises(Organisation.DoesNotExist):
        verify_organisation(10**9, verified_by_id=None)
