"""Logging in and out: by email or username, and only once verified."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_login_by_email_in_any_case_lands_on_profile(client):
    user = UserFactory(email="zhao.lei@example.cn")

    response = client.post(
        LOGIN, {"username": "Zhao.Lei@Example.CN", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_username_works(client):
    user = UserFactory(username="zhaolei", email="zhao.lei@example.cn")

    client.post(LOGIN, {"username": "ZhaoLei", "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_of_unverified_user_is_refused_with_resend_hint(client):
    UserFactory(email="new@example.cn", email_verified=False)

    response = client.post(LOGIN, {"username": "new@example.cn", "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "unverified")
    resend = reverse("accounts:resend_verification")
    assert re.search(
        rf'<ul class="errorlist nonfield"><li>[^<]+<a href="{resend}">',
        response.content.decode(),
    )
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_does_not_reveal_verification_state(client):
    UserFactory(email="new@example.cn", email_verified=False)

    response = client.post(LOGIN, {"username": "new@example.cn", "password": "wrong"})

    form = response.context["form"]
    assert form.has_error("__all__", "invalid_login")
    assert not form.has_error("__all__", "unverified")
    assert 'role="alert"' in response.content.decode()


def test_login_of_inactive_user_is_refused(client):
    UserFactory(email="gone@example.cn", is_active=False)

    response = client.post(LOGIN, {"username": "gone@example.cn", "password": PASSWORD})

    assert response.context["form"].has_error("__all__", "invalid_login")


def test_backend_lets_unverified_superuser_in_for_the_admin():
    User.objects.create_superuser("root", "root@example.cn", PASSWORD)

    assert authenticate(username="root", password=PASSWORD) is not None
    assert authenticate(username="ROOT@example.cn", password=PASSWORD) is not None


def test_backend_prefers_the_email_owner_over_a_lookalike_username():
    owner = UserFactory(email="a@example.cn", username="a@example.cn")
    UserFactory(email="b@example.cn", username="A@EXAMPLE.CN")

    assert authenticate(username="a@example.cn", password=PASSWORD) == owner


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.ENTERPRISE])
def test_login_of_a_publisher_lands_on_the_workbench(client, role):
    UserFactory(email="pub@example.cn", roles=[role])

    response = client.post(LOGIN, {"username": "pub@example.cn", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("workbench:home")


def test_login_of_a_publisher_still_follows_next(client):
    UserFactory(email="pub@example.cn", roles=[Role.RESEARCHER])

    response = client.post(
        f"{LOGIN}?next=/demands/",
        {"username": "pub@example.cn", "password": PASSWORD},
    )

    assert response.url == "/demands/"


def test_login_of_an_agent_lands_on_the_profile(client):
    UserFactory(email="agent@example.cn", roles=[Role.AGENT])

    response = client.post(
        LOGIN, {"username": "agent@example.cn", "password": PASSWORD}
    )

    assert response.url == reverse("accounts:profile")
