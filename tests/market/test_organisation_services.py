"""verify_organisation: the one way an organisation becomes verified."""

from __future__ import annotations

import pytest
from django.utils import translation

from market.models import Organisation
from market.services.organisations import OrganisationError, verify_organisation
from tests.factories import OrganisationFactory, UserFactory, credit_code_for

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


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "no_credit_code"),
        ("91110000000000001", "bad_credit_code"),  # 17 characters
        ("91110000000000001O", "bad_credit_code"),  # O is not in the alphabet
    ],
)
def test_verify_organisation_needs_a_credit_code_passing_gb_32100(code, error):
    organisation = OrganisationFactory(credit_code=code)

    with pytest.raises(OrganisationError) as refused:
        verify_organisation(organisation.pk, verified_by_id=None)

    assert refused.value.code == error
    organisation.refresh_from_db()
    assert not organisation.is_verified and organisation.verified_at is None


def test_verify_organisation_refuses_a_wrong_check_character():
    good = credit_code_for(42)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    # Saved around the form's validator, as an import or an old row could be.
    organisation = OrganisationFactory(credit_code=wrong)

    with translation.override("en"), pytest.raises(OrganisationError) as refused:
        verify_organisation(organisation.pk, verified_by_id=None)

    assert refused.value.code == "bad_credit_code"
    assert "check character" in str(refused.value.message)
