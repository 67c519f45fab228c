"""Membership changes of one organisation are serialised on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from accounts.models import Membership, MembershipRole
from accounts.services.membership import MembershipError, set_membership_role
from market.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def _waiting_on_locks() -> int:
    # pg_locks is read live (pg_stat_activity would be a per-transaction snapshot).
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    organisation = OrganisationFactory(is_verified=True)
    a, b = UserFactory(), UserFactory()
    ma = MembershipFactory(user=a, organisation=organisation, role=MembershipRole.ADMIN)
    mb = MembershipFactory(user=b, organisation=organisation, role=MembershipRole.ADMIN)
    outcomes: dict[str, str] = {}

    def demote(membership: Membership, actor_id: int, key: str) -> None:
        try:
            set_membership_role(
                membership.pk, role=MembershipRole.MEMBER, by_user_id=actor_id
            )
            outcomes[key] = "demoted"
        except MembershipError as error:
            outcomes[key] = error.code
        except PermissionDenied:
            outcomes[key] = "denied"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(mb, a.pk, "b")),
        threading.Thread(target=demote, args=(ma, b.pk, "a")),
    ]
    # Hold the organisation so both changes start before either finishes.
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    for thread in threads:
        thread.join(30)

    # Whoever comes second is no longer an administrator once the first has acted;
    # without the lock both would see two administrators and demote each other.
    assert sorted(outcomes.values()) == ["demoted", "denied"]
    admins = Membership.objects.filter(
        organisation=organisation, role=MembershipRole.ADMIN, is_active=True
    )
    assert admins.count() == 1
