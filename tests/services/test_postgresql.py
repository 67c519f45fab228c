"""The suite runs on a real PostgreSQL server, and the schema's constraints hold there."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from market.models import Organisation, OrganisationKind
from market.validators import uscc_check_character

pytestmark = pytest.mark.django_db


def test_postgresql_writes_and_reads_an_organisation():
    assert connection.vendor == "postgresql"
    code = "91320594MA1N23456" + uscc_check_character("91320594MA1N23456")
    Organisation.objects.create(
        name="苏州智造精密机械有限公司",
        kind=OrganisationKind.ENTERPRISE,
        credit_code=code,
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, credit_code FROM market_organisation WHERE credit_code = %s",
            [code],
        )
        assert cursor.fetchone() == ("苏州智造精密机械有限公司", code)


def test_postgresql_enforces_unique_credit_codes_but_allows_many_blank_ones():
    code = "12320000466001234" + uscc_check_character("12320000466001234")
    Organisation.objects.create(
        name="江南理工大学", kind=OrganisationKind.UNIVERSITY, credit_code=code
    )
    Organisation.objects.create(name="无代码机构甲", kind=OrganisationKind.AGENCY)
    Organisation.objects.create(name="无代码机构乙", kind=OrganisationKind.AGENCY)

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="冒用代码的公司", kind=OrganisationKind.ENTERPRISE, credit_code=code
        )
    assert Organisation.objects.count() == 3
