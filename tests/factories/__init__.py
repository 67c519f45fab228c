"""factory_boy factories shared by the whole test suite."""

from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.challenges import (
    CampaignFactory,
    ChallengeApplicationFactory,
    ChallengeFactory,
    challenge_in_delivery,
)
from tests.factories.market import (
    DemandFactory,
    OrganisationFactory,
    OutcomeFactory,
    credit_code_for,
)

__all__ = [
    "CampaignFactory",
    "ChallengeApplicationFactory",
    "ChallengeFactory",
    "DemandFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "OutcomeFactory",
    "UserFactory",
    "challenge_in_delivery",
    "credit_code_for",
]
