"""A property-based check of the live API against its own OpenAPI schema: no 5xx and
no answer the schema does not describe, anonymous and with a token."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from api.services import create_token
from market.models import Listing
from tests.factories import (
    ChallengeFactory,
    DemandFactory,
    MembershipFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.deals import deal_at

# A live server needs committed rows; serialized_rollback puts the reference data
# (fields, regions) back and keeps the flush from re-creating the role groups the next
# live test restores (see tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Small enough for ~1–2 minutes on two shared cores.
EXAMPLES = 8


# No 5xx, and every answer (status, media type, headers, body) as the schema says.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _seed(owner, agent):
    organisation = owner.memberships.first().organisation
    outcome = OutcomeFactory(published=True, organisation=organisation)
    deal_at(outcome=outcome, agent=agent)
    DemandFactory(published=True)
    DemandFactory(organisation=organisation)
    ChallengeFactory(status="published")


def _run(
    schema, headers: dict[str, str], methods: set[str], paths: tuple[str, ...] = ("",)
) -> list[str]:
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() not in methods:
            continue
        if not any(part in operation.path for part in paths):
            continue

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation reported
            failures.append(f"{operation.method} {operation.path}: {error}")
    return failures


def test_live_api_conforms_to_its_schema(live_server, settings, role_groups):
    settings.THROTTLE_API_ANON = (100_000, 60)
    settings.THROTTLE_API_USER = (100_000, 60)
    settings.THROTTLE_MESSAGES_ACCOUNT = (100_000, 60)
    settings.THROTTLE_MESSAGES_IP = (100_000, 60)
    owner = UserFactory()
    MembershipFactory(user=owner)
    agent = UserFactory(roles=[Role.AGENT])
    _seed(owner, agent)
    _token, key = create_token(owner.pk, name="schemathesis")
    _token, agent_key = create_token(agent.pk, name="schemathesis")
    manager = UserFactory(roles=[Role.MANAGER])
    _token, manager_key = create_token(manager.pk, name="schemathesis")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    schema.config.base_url = live_server.url
    failures = _run(schema, {}, {"GET"})
    writes = {"GET", "POST", "PUT", "PATCH"}
    failures += _run(schema, {"Authorization": f"Bearer {key}"}, writes)
    # The deals' agent-only operations, with the token of a deal's agent.
    failures += _run(
        schema,
        {"Authorization": f"Bearer {agent_key}"},
        writes,
        paths=("/deals", "/introductions/{id}/deal/"),
    )
    # The managers' statistics figures, with a manager's token.
    failures += _run(
        schema,
        {"Authorization": f"Bearer {manager_key}"},
        {"GET"},
        paths=("/statistics/",),
    )
    assert not failures, "\n\n".join(failures)
    # The token was used: the generated drafts were written in its user's name.
    assert Listing.objects.filter(created_by=owner).exists()
