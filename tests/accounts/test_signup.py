"""Sign-up: the form, its errors, and what the account looks like afterwards."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership, MembershipRole, User
from accounts.roles import Role
from market.models import Organisation, OrganisationKind
from tests.accounts.conftest import link_path
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Li.Na@Example.cn",
        "display_name": "李娜",
        "password1": "a-long-passphrase-2026",
        "password2": "a-long-passphrase-2026",
        "role": Role.RESEARCHER.value,
        "organisation": "",
        "new_organisation_name": "",
        "new_organisation_kind": "",
    }
    data.update(overrides)
    return data


def test_signup_page_has_labelled_fields_with_autocomplete(client):
    html = client.get(SIGNUP).content.decode()
    for field in ("email", "display_name", "password1", "password2"):
        assert f'<label for="id_{field}">' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="new-password"' in html
    assert "<legend>" in html  # the role radios are grouped


def test_signup_sends_one_email_whose_link_verifies_and_logs_in(
    client, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("accounts:verification_sent")
    user = User.objects.get(email="li.na@example.cn")
    assert user.username == "li.na@example.cn"
    assert not user.email_verified
    assert user.has_role(Role.RESEARCHER)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li.na@example.cn"]

    response = client.get(link_path(mailoutbox[0].body), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert response.context["user"] == user
    user.refresh_from_db()
    assert user.email_verified


def test_signup_with_taken_email_in_other_case_shows_field_error(client):
    UserFactory(email="li.na@example.cn")

    response = client.post(SIGNUP, signup_data(email="LI.NA@example.CN"))

    assert response.status_code == 200
    assert response.context["form"].has_error("email", "email_taken")
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert reverse("accounts:password_reset") in html
    assert User.objects.filter(email__iexact="li.na@example.cn").count() == 1


def test_signup_with_weak_password_shows_validator_messages_on_password(client):
    response = client.post(SIGNUP, signup_data(password1="12345", password2="12345"))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.has_error("password1", "password_too_short")
    assert form.has_error("password1", "password_entirely_numeric")
    assert not User.objects.exists()


def test_signup_with_mismatched_confirmation_shows_error(client):
    response = client.post(SIGNUP, signup_data(password2="another-passphrase-99"))

    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.exists()


def test_signup_with_invalid_email_shows_error(client):
    response = client.post(SIGNUP, signup_data(email="not-an-address"))

    assert response.context["form"].has_error("email", "invalid")
    assert not User.objects.exists()


def test_signup_refuses_roles_granted_only_by_administrators(client):
    response = client.post(SIGNUP, signup_data(role=Role.MODERATOR.value))

    assert response.context["form"].has_error("role")
    assert not User.objects.exists()


def test_signup_with_new_organisation_makes_it_unverified_with_user_as_admin(client):
    data = signup_data(
        role=Role.ENTERPRISE.value,
        new_organisation_name="苏州新锐材料有限公司",
        new_organisation_kind=OrganisationKind.ENTERPRISE.value,
    )

    response = client.post(SIGNUP, data)

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="苏州新锐材料有限公司")
    assert not organisation.is_verified
    assert organisation.verified_at is None
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == "li.na@example.cn"
    assert membership.role == MembershipRole.ADMIN


def test_signup_with_existing_organisation_makes_user_a_member(client):
    organisation = OrganisationFactory(is_verified=True)

    client.post(SIGNUP, signup_data(organisation=str(organisation.pk)))

    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == "li.na@example.cn"
    assert membership.role == MembershipRole.MEMBER
    organisation.refresh_from_db()
    assert organisation.is_verified  # joining does not change the organisation


def test_signup_new_organisation_needs_a_kind_and_a_new_name(client):
    OrganisationFactory(name="江南理工大学")

    no_kind = client.post(SIGNUP, signup_data(new_organisation_name="某研究所"))
    taken = client.post(
        SIGNUP,
        signup_data(
            new_organisation_name="江南理工大学",
            new_organisation_kind=OrganisationKind.UNIVERSITY.value,
        ),
    )

    assert no_kind.context["form"].has_error("new_organisation_kind")
    assert taken.context["form"].has_error(
        "new_organisation_name", "organisation_exists"
    )
    assert not User.objects.exists()
