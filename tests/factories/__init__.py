"""factory_boy factories shared by the whole test suite."""

from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.market import OrganisationFactory, credit_code_for

__all__ = ["MembershipFactory", "OrganisationFactory", "UserFactory", "credit_code_for"]
