"""`load_demo` gives every role a usable account and never duplicates anything."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership
from accounts.roles import Role
from market.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return (
        get_user_model().objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )


def test_load_demo_twice_duplicates_nothing():
    call_command("load_demo", "--people-only", verbosity=0)
    first = counts()
    call_command("load_demo", "--people-only", verbosity=0)
    assert counts() == first
    assert first[0] >= len(Role)


def test_load_demo_gives_every_role_a_verified_user_who_can_log_in(client):
    call_command("load_demo", "--people-only", verbosity=0)
    User = get_user_model()
    for role in Role:
        user = User.objects.filter(groups__name=role.value).first()
        assert user is not None, f"no demo user for {role}"
        assert user.email_verified
        assert client.login(username=user.email, password=DEMO_PASSWORD), role
        client.logout()


def test_load_demo_covers_every_organisation_kind_with_valid_credit_codes():
    call_command("load_demo", "--people-only", verbosity=0)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    for organisation in Organisation.objects.all():
        organisation.full_clean()  # includes the GB 32100 check character


def test_load_demo_refuses_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo", "--people-only", verbosity=0)
