"""Sign-up: the form, its errors, and what the account looks like afterwards."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Notification,
    NotificationKind,
    User,
)
from accounts.roles import Role
from market.models import Organisation, OrganisationKind
from market.services.organisations import verify_organisation
from tests.accounts.conftest import link_path
from tests.factories import OrganisationFactory, UserFactory, credit_code_for

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
TAG_RE = re.compile(r"<[^>]+>")


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
        "new_organisation_credit_code": "",
        "membership_message": "",
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


def visible_text(response) -> str:
    """What a visitor sees: the page without tags and the per-request CSRF token."""
    html = CSRF_RE.sub("", response.content.decode())
    return " ".join(TAG_RE.sub(" ", html).split())


def test_signup_with_taken_email_in_any_case_answers_like_a_new_one(
    client, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    """Security issue 8, defect 5: the form must not tell who has an account."""
    owner = UserFactory(email="li.na@example.cn", display_name="李娜（老用户）")

    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(SIGNUP, signup_data(email="LI.NA@example.CN"), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(SIGNUP, signup_data(email="wang.wu@example.cn"), follow=True)

    assert taken.redirect_chain == new.redirect_chain
    assert taken.status_code == new.status_code == 200
    assert visible_text(taken) == visible_text(new)
    assert "already registered" not in visible_text(taken)
    # No account was made for the taken address; its owner heard about the attempt.
    assert User.objects.filter(email__iexact="li.na@example.cn").get() == owner
    warning = [m for m in mailoutbox if m.to == ["li.na@example.cn"]]
    assert len(warning) == 1
    assert reverse("accounts:password_reset") in warning[0].body
    assert reverse("accounts:login") in warning[0].body
    assert "李娜（老用户）" in warning[0].body
    # The new address got its verification link, as before.
    assert [m.to for m in mailoutbox if m.to != ["li.na@example.cn"]] == [
        ["wang.wu@example.cn"]
    ]


def test_signup_errors_read_the_same_whether_the_email_is_taken_or_not(client):
    UserFactory(email="li.na@example.cn")
    mismatch = {"password2": "another-passphrase-99"}

    taken = client.post(SIGNUP, signup_data(email="li.na@example.cn", **mismatch))
    new = client.post(SIGNUP, signup_data(email="zhao.liu@example.cn", **mismatch))

    assert taken.status_code == new.status_code == 200
    assert visible_text(taken) == visible_text(new)  # the address is not echoed as text
    assert taken.context["form"].errors == new.context["form"].errors
    assert not taken.context["form"].has_error("email")


def test_repeated_signups_with_a_taken_email_send_one_warning_per_hour(
    client, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    UserFactory(email="li.na@example.cn")

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGNUP, signup_data())
        assert response.status_code == 302

    assert len(mailoutbox) == 1
    assert User.objects.count() == 1


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


def new_organisation_data(**overrides: str) -> dict[str, str]:
    data = {
        "role": Role.ENTERPRISE.value,
        "new_organisation_name": "苏州新锐材料有限公司",
        "new_organisation_kind": OrganisationKind.ENTERPRISE.value,
        "new_organisation_credit_code": " " + credit_code_for(777).lower() + " ",
    }
    data.update(overrides)
    return signup_data(**data)


def test_signup_with_new_organisation_waits_for_a_moderator_to_verify_it(
    client, role_groups, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    moderator = UserFactory(roles=[Role.MODERATOR])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, new_organisation_data())

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="苏州新锐材料有限公司")
    assert not organisation.is_verified
    assert organisation.credit_code == credit_code_for(777)  # trimmed, capitals
    assert not Membership.objects.exists()  # a member of nothing yet
    founder = MembershipRequest.objects.get(organisation=organisation)
    assert founder.founder and founder.status == MembershipRequestStatus.PENDING
    assert not Notification.objects.exists()  # nobody hears of an unverified address

    with django_capture_on_commit_callbacks(execute=True):
        client.get(link_path(mailoutbox[0].body))
    (note,) = Notification.objects.filter(recipient=moderator)
    assert note.kind == NotificationKind.MEMBERSHIP_REQUESTED
    assert credit_code_for(777) in note.body

    with django_capture_on_commit_callbacks(execute=True):
        verify_organisation(organisation.pk, verified_by_id=moderator.pk)

    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == "li.na@example.cn"
    assert membership.role == MembershipRole.ADMIN and membership.is_active
    founder.refresh_from_db()
    assert founder.status == MembershipRequestStatus.APPROVED
    assert founder.decided_by == moderator
    assert Notification.objects.filter(
        recipient=membership.user, kind=NotificationKind.MEMBERSHIP_APPROVED
    ).exists()


def test_signup_with_existing_organisation_asks_to_join_and_grants_nothing(client):
    organisation = OrganisationFactory(is_verified=True)

    client.post(
        SIGNUP,
        signup_data(organisation=str(organisation.pk), membership_message="材料学院"),
    )

    assert not Membership.objects.exists()
    request = MembershipRequest.objects.get(organisation=organisation)
    assert request.user.email == "li.na@example.cn"
    assert request.status == MembershipRequestStatus.PENDING
    assert request.message == "材料学院"
    assert not request.founder
    organisation.refresh_from_db()
    assert organisation.is_verified  # asking does not change the organisation


def test_signup_new_organisation_needs_a_kind_and_a_new_name(client):
    OrganisationFactory(name="江南理工大学")

    no_kind = client.post(SIGNUP, new_organisation_data(new_organisation_kind=""))
    taken = client.post(
        SIGNUP, new_organisation_data(new_organisation_name="江南理工大学")
    )

    assert no_kind.context["form"].has_error("new_organisation_kind")
    assert taken.context["form"].has_error(
        "new_organisation_name", "organisation_exists"
    )
    assert not User.objects.exists()
    assert Organisation.objects.count() == 1


def test_signup_new_organisation_needs_a_valid_unlisted_credit_code(client):
    listed = OrganisationFactory(name="江南理工大学")
    wrong_check = credit_code_for(5)[:17] + (
        "0" if credit_code_for(5)[17] != "0" else "1"
    )

    missing = client.post(
        SIGNUP, new_organisation_data(new_organisation_credit_code="")
    )
    short = client.post(
        SIGNUP, new_organisation_data(new_organisation_credit_code="9132")
    )
    checksum = client.post(
        SIGNUP, new_organisation_data(new_organisation_credit_code=wrong_check)
    )
    duplicate = client.post(
        SIGNUP, new_organisation_data(new_organisation_credit_code=listed.credit_code)
    )

    field = "new_organisation_credit_code"
    assert missing.context["form"].has_error(field, "required")
    assert short.context["form"].has_error(field, "uscc_format")
    assert checksum.context["form"].has_error(field, "uscc_checksum")
    assert duplicate.context["form"].has_error(field, "credit_code_exists")
    assert not User.objects.exists()
    assert Organisation.objects.count() == 1
