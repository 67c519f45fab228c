"""Organisations in the Wagtail admin: who sees them and who verifies them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from market.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("organisations:index")


def verify_url(organisation) -> str:
    return reverse("organisations:verify", args=[organisation.pk])


def test_organisation_list_is_reachable_for_a_moderator(client, role_groups):
    organisation = OrganisationFactory(name="华东新材料研究院")
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(INDEX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "华东新材料研究院" in html
    assert verify_url(organisation) in html  # the "Mark as verified" action


def test_organisation_list_is_forbidden_for_a_researcher(client, role_groups):
    client.force_login(UserFactory(roles=[Role.RESEARCHER]))

    response = client.get(INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_organisation_list_filters_by_kind_and_verification_and_searches(
    client, role_groups
):
    OrganisationFactory(name="江南理工大学", kind=OrganisationKind.UNIVERSITY)
    OrganisationFactory(name="清源环保", kind=OrganisationKind.ENTERPRISE)
    OrganisationFactory(name="已认证企业", is_verified=True)
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    by_kind = client.get(INDEX, {"kind": OrganisationKind.UNIVERSITY}).context
    verified = client.get(INDEX, {"is_verified": "true"}).context
    searched = client.get(INDEX, {"q": "清源"}).context

    assert [o.name for o in by_kind["object_list"]] == ["江南理工大学"]
    assert [o.name for o in verified["object_list"]] == ["已认证企业"]
    assert [o.name for o in searched["object_list"]] == ["清源环保"]


def test_moderator_marks_an_organisation_verified_from_the_admin(client, role_groups):
    organisation = OrganisationFactory()
    moderator = UserFactory(roles=[Role.MODERATOR])
    client.force_login(moderator)

    response = client.post(verify_url(organisation), {"next": INDEX})

    assert response.status_code == 302
    assert response.url == INDEX
    organisation.refresh_from_db()
    assert organisation.is_verified and organisation.verified_at is not None
    history = client.get(
        reverse("organisations:history_results", args=[organisation.pk])
    ).content.decode()
    assert moderator.get_username() in history
    entry = ModelLogEntry.objects.get(object_id=str(organisation.pk))
    assert (entry.action, entry.user) == ("market.verify_organisation", moderator)


def test_agent_may_list_but_not_verify_organisations(client, role_groups):
    organisation = OrganisationFactory()
    client.force_login(UserFactory(roles=[Role.AGENT]))

    listing = client.get(INDEX)
    response = client.post(verify_url(organisation))

    assert listing.status_code == 200
    assert verify_url(organisation) not in listing.content.decode()
    assert response.status_code in (302, 403)
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_verify_action_refuses_get(client, role_groups):
    organisation = OrganisationFactory()
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(verify_url(organisation))

    assert response.status_code == 405
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_edit_form_cannot_set_verification(client, role_groups):
    organisation = OrganisationFactory()
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(reverse("organisations:edit", args=[organisation.pk]))

    form = response.context["form"]
    assert "is_verified" not in form.fields and "verified_at" not in form.fields
    assert verify_url(organisation) in response.content.decode()


def test_admin_menu_offers_organisations_under_market_to_a_moderator(
    client, role_groups
):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert INDEX in response.content.decode()


def test_inspect_view_shows_an_organisation_to_an_agent(client, role_groups):
    organisation = OrganisationFactory(name="长三角技术转移服务中心")
    client.force_login(UserFactory(roles=[Role.AGENT]))

    response = client.get(reverse("organisations:inspect", args=[organisation.pk]))

    assert response.status_code == 200
    assert "长三角技术转移服务中心" in response.content.decode()


def test_verifying_an_organisation_without_a_valid_credit_code_says_why(
    client, role_groups, settings
):
    settings.LANGUAGE_CODE = "en"  # assert on the English source string
    blank = OrganisationFactory(credit_code="")
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    response = client.post(verify_url(blank), {"next": INDEX}, follow=True)

    assert response.status_code == 200
    assert any(
        "unified social credit code" in str(m) for m in response.context["messages"]
    )
    blank.refresh_from_db()
    assert not blank.is_verified
