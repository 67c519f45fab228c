"""The profile page: what it shows and what the user can change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import MembershipRole
from accounts.roles import Role
from accounts.selectors import profile_for
from accounts.services.membership import request_membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_profile_of_anonymous_visitor_redirects_to_login(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={PROFILE}"


def test_profile_shows_roles_and_organisations_with_verification(client):
    user = UserFactory(display_name="周敏", roles=[Role.RESEARCHER, Role.EXPERT])
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(name="江南理工大学", is_verified=True),
        role=MembershipRole.ADMIN,
    )
    MembershipFactory(user=user, organisation=OrganisationFactory(name="新成立研究所"))
    client.force_login(user)

    response = client.get(PROFILE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "周敏" in html and user.email in html
    profile = response.context["profile"]
    assert [r.value for r in profile.roles] == ["researcher", "expert"]
    assert [(o.name, o.is_verified) for o in profile.organisations] == [
        ("新成立研究所", False),
        ("江南理工大学", True),
    ]
    assert "江南理工大学" in html and "新成立研究所" in html


def test_profile_for_costs_three_queries_however_many_memberships(
    django_assert_num_queries,
):
    user = UserFactory(roles=[Role.ENTERPRISE])
    for _ in range(3):
        MembershipFactory(user=user)
    for name in ("乙研究所", "甲大学"):
        request_membership(user.pk, OrganisationFactory(name=name).pk)

    with django_assert_num_queries(3):
        profile = profile_for(user)

    assert len(profile.organisations) == 3
    assert set(profile.pending_organisations) == {"乙研究所", "甲大学"}


def test_profile_form_edits_display_name_and_phone(client):
    user = UserFactory(display_name="旧名字")
    client.force_login(user)

    response = client.post(
        PROFILE, {"display_name": " 新名字 ", "phone": "+86 138-0000-0000"}, follow=True
    )

    assert response.redirect_chain[-1][0] == PROFILE
    assert "新名字" in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("新名字", "+86 138-0000-0000")


def test_profile_form_rejects_a_blank_name_and_a_bad_phone(client):
    user = UserFactory(display_name="保留")
    client.force_login(user)

    response = client.post(PROFILE, {"display_name": "  ", "phone": "call me"})

    form = response.context["form"]
    assert form.has_error("display_name") and form.has_error("phone", "invalid_phone")
    user.refresh_from_db()
    assert user.display_name == "保留"


def test_profile_form_turns_conversation_emails_off_and_on(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(PROFILE).content.decode()
    checkbox = re.search(r"<input[^>]*name=\"email_conversation_messages\"[^>]*>", page)
    assert checkbox is not None and "checked" in checkbox.group(0)

    client.post(PROFILE, {"display_name": "周敏", "phone": ""})
    user.refresh_from_db()
    assert user.email_conversation_messages is False

    client.post(
        PROFILE,
        {"display_name": "周敏", "phone": "", "email_conversation_messages": "on"},
    )
    user.refresh_from_db()
    assert user.email_conversation_messages is True
